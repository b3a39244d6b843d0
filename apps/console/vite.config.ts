import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const apiTarget = process.env['PARLEY_CONSOLE_API_URL'] ?? 'http://localhost:3000';

// `npx vite build apps/console` → dist/apps/console (console-api serves it); `npx vite apps/console` is the
// dev server, proxying /api (REST and the live WebSocket) to console-api.
export default defineConfig({
  root: here,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/apps/console', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: apiTarget, changeOrigin: true, ws: true },
    },
  },
  preview: { port: 4173 },
});
