import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The plain Vite React template's config: no global/Buffer/process shims, nothing for holdfast.
export default defineConfig({
  plugins: [react()],
});
