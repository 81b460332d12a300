import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { Plugin } from 'vite';

/** PNG sizes the manifest and iOS ask for, rendered from one SVG so they never drift apart. */
export const PNG_ICONS = [
  { fileName: 'icons/icon-192.png', size: 192 },
  { fileName: 'icons/icon-512.png', size: 512 },
  { fileName: 'icons/apple-touch-icon.png', size: 180 },
] as const;

/**
 * Renders the app icon SVG to PNGs at build time with sharp (librsvg, no network), and emits
 * them into the bundle. The SVG itself ships too, from `public/`.
 */
export function pwaIcons(options: { source: string }): Plugin {
  let svgPath = '';
  return {
    name: 'opendispatch:pwa-icons',
    apply: 'build',
    configResolved(config) {
      svgPath = path.resolve(config.root, options.source);
    },
    async generateBundle() {
      const svg = await readFile(svgPath);
      for (const icon of PNG_ICONS) {
        const png = await sharp(svg, { density: Math.ceil((72 * icon.size) / 512) * 2 })
          .resize(icon.size, icon.size)
          .png({ compressionLevel: 9 })
          .toBuffer();
        this.emitFile({ type: 'asset', fileName: icon.fileName, source: png });
      }
    },
  };
}
