import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { pwaIcons } from './build/pwa-icons.js';
import { webManifest } from './build/web-manifest.js';
import { serviceWorker } from './build/service-worker.js';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The phone client. Preact's JSX goes through esbuild directly (no preset plugin); the three
 * local plugins make it installable: PNG icons rendered from the SVG, the web manifest, and a
 * service worker that knows the exact files of this build.
 */
export default defineConfig({
  root,
  base: '/',
  publicDir: 'public',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Keep every asset a separate file, so the service worker's shell list is the whole app.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  plugins: [pwaIcons({ source: 'public/icons/icon.svg' }), webManifest(), serviceWorker({ source: 'src/sw.ts', publicFiles: ['icons/icon.svg'] })],
});
