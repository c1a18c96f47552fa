import { create } from 'storybook/theming';

/** holdfast's Storybook theme (manager chrome and docs pages): name, logo, teal brand colors. */
export const holdfastTheme = create({
  base: 'light',
  brandTitle: 'holdfast — video calls that stay up',
  brandUrl: './?path=/docs/introduction--docs',
  brandImage: './holdfast-logo.svg',
  brandTarget: '_self',
  colorPrimary: '#0f766e',
  colorSecondary: '#0f766e',
  appBg: '#f8fafc',
  appContentBg: '#ffffff',
  appPreviewBg: '#ffffff',
  appBorderColor: '#e2e8f0',
  appBorderRadius: 8,
  textColor: '#0f172a',
  textMutedColor: '#64748b',
  barTextColor: '#475569',
  barSelectedColor: '#0f766e',
  barHoverColor: '#115e59',
  barBg: '#ffffff',
  inputBorderRadius: 6,
  fontBase: 'system-ui, -apple-system, "Segoe UI", sans-serif',
  fontCode: 'ui-monospace, "SFMono-Regular", Menlo, monospace',
});
