import type { Plugin } from 'vite';

/** Colours the system uses around the installed app before and while it loads. */
export const THEME_COLOR = '#0f172a';
export const BACKGROUND_COLOR = '#0f172a';

const manifest = {
  name: 'OpenDispatch',
  short_name: 'Dispatch',
  description: 'Hand tasks to your desktop from your phone and watch them run.',
  id: '/',
  start_url: '/',
  scope: '/',
  display: 'standalone',
  orientation: 'portrait',
  theme_color: THEME_COLOR,
  background_color: BACKGROUND_COLOR,
  icons: [
    { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
    { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
    { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    { src: '/icons/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
  ],
};

/** Emits `manifest.webmanifest` so that its icon paths are written next to the plugin that makes them. */
export function webManifest(): Plugin {
  return {
    name: 'opendispatch:web-manifest',
    apply: 'build',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'manifest.webmanifest', source: `${JSON.stringify(manifest, null, 2)}\n` });
    },
  };
}
