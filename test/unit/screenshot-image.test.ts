import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { MAX_FULL_IMAGE_BYTES, PREVIEW_WIDTH, renderScreenshotImage } from '../../activities/screen/screenshot-image.js';

/** A screen of noise: the worst case for any image codec, far larger than a real screen's image. */
async function noisyScreen(width: number, height: number): Promise<Buffer> {
  return sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer();
}

describe('a screenshot as the phone gets it', () => {
  it('is a 480 px wide WebP preview, or the full image at the size the agent saw it', async () => {
    const screen = await sharp({ create: { width: 1920, height: 1080, channels: 3, background: '#2a6' } }).png().toBuffer();
    const preview = await sharp(await renderScreenshotImage(screen, 'preview')).metadata();
    expect({ format: preview.format, width: preview.width }).toEqual({ format: 'webp', width: PREVIEW_WIDTH });
    const full = await sharp(await renderScreenshotImage(screen, 'full')).metadata();
    expect({ format: full.format, width: full.width, height: full.height }).toEqual({ format: 'webp', width: 1920, height: 1080 });
  });

  it('keeps even a screen of noise under the size another desktop may send through Temporal', async () => {
    const image = await renderScreenshotImage(await noisyScreen(2576, 1449), 'full');
    expect(image.length).toBeLessThanOrEqual(MAX_FULL_IMAGE_BYTES);
    expect((await sharp(image).metadata()).format).toBe('webp');
  });
});
