import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// The production bundle has one entry, index.html. `preview.html` (a page that runs the app
// against an in-browser fake of the command layer, for looking at states without Tauri) is
// served by `npm run dev` only and never reaches `dist/`.
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: { input: 'index.html' },
  },
});
