import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The admin console: built into dist/console and served by Docent itself under /admin/.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/admin/',
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    // One entry chunk: the preload polyfill would only add code.
    modulePreload: { polyfill: false },
    // Nothing inlined as data: URLs, so the Content-Security-Policy can stay strict.
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
});
