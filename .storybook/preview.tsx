/// <reference types="vite/client" />
import type { Preview } from '@storybook/react-vite';
import '../src/components/styles.css';
import { holdfastTheme } from './holdfast-theme';
import './preview.css';

const preview: Preview = {
  tags: ['autodocs'],
  parameters: {
    layout: 'padded',
    controls: { expanded: true },
    docs: { theme: holdfastTheme },
    options: {
      storySort: {
        order: [
          'Introduction',
          'React',
          [
            'SessionProvider',
            'useSession',
            'useReconnectState',
            'useStreams',
            'useStreamIds',
            'useStream',
            '*',
          ],
          'Components',
          'Playground',
        ],
      },
    },
  },
};

export default preview;
