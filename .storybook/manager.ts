import { addons } from 'storybook/manager-api';
import { holdfastTheme } from './holdfast-theme';

addons.setConfig({
  theme: holdfastTheme,
  sidebar: { showRoots: true },
});
