import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Vite settings of Storybook (dev, build, and the stories-as-tests project). */
export default defineConfig({
  plugins: [react()],
  // Pre-bundled so the browser test runner never sees React's CommonJS files unconverted.
  optimizeDeps: {
    include: ['react', 'react-dom', 'react-dom/client', 'react/jsx-runtime', 'react/jsx-dev-runtime'],
  },
});
