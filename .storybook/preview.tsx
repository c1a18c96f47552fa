/// <reference types="vite/client" />
import type { Preview } from '@storybook/react-vite';
import '../src/components/styles.css';
import './preview.css';

const preview: Preview = {
  tags: ['autodocs'],
  parameters: {
    layout: 'padded',
    controls: { expanded: true },
  },
};

export default preview;
