import type { StorybookConfig } from '@storybook/react-vite';

/**
 * Storybook 10 (React + Vite): the introduction, one page per provider/hook with live examples, one
 * story per visual state of each component (autodocs), and the live Playground.
 */
const config: StorybookConfig = {
  stories: ['../stories/Introduction.mdx', '../stories/**/*.stories.@(ts|tsx)'],
  addons: ['@storybook/addon-docs', '@storybook/addon-vitest'],
  framework: {
    name: '@storybook/react-vite',
    // Its own Vite config: the root one is a library build (lib entries, externals) Storybook must not inherit.
    options: { builder: { viteConfigPath: '.storybook/vite.config.ts' } },
  },
  staticDirs: ['./public'],
  core: { disableTelemetry: true },
  // No "Get started" checklist in the sidebar: the introduction page is where a visitor starts.
  features: { sidebarOnboardingChecklist: false },
  typescript: { reactDocgen: 'react-docgen' },
};

export default config;
