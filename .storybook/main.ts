import type { StorybookConfig } from '@storybook/react-vite';

/** Storybook 10 (React + Vite): one story per visual state, autodocs, and the live Playground. */
const config: StorybookConfig = {
  stories: ['../stories/**/*.stories.@(ts|tsx)'],
  addons: ['@storybook/addon-docs', '@storybook/addon-vitest'],
  framework: {
    name: '@storybook/react-vite',
    // Its own Vite config: the root one is a library build (lib entries, externals) Storybook must not inherit.
    options: { builder: { viteConfigPath: '.storybook/vite.config.ts' } },
  },
  core: { disableTelemetry: true },
  typescript: { reactDocgen: 'react-docgen' },
};

export default config;
