import { availableParallelism, endianness } from 'node:os';
import sharp from 'sharp';
import type { ContentStore } from '../store/content-store.js';
import type { CapturedImage, RawScreenImage, Rect, ScreenCapture, ScreenGrabber, Size } from '../ports.js';
import { imageRectToScreen, type ScreenGeometry } from './coordinates.js';
import { advertisedImageSize, type ImageLimit } from './image-limits.js';

/**
 * Screenshots travel as PNG written with zlib level 1 and no adaptive filtering. Measured on a
 * 1920×1080 desktop of terminals and a gradient, scaled to 1456×819: that PNG encodes in ~3 ms
 * to ~310 KiB and is lossless, so text stays as crisp as the scaler leaves it. Adaptive filtering
 * costs ~16 ms for 8% fewer bytes. JPEG 4:4:4 takes ~3.5 ms at q90 (~9 ms with Huffman
 * optimisation) for ~190 KiB, but smears glyph edges (PSNR 44 dB, errors up to 28 levels); WebP
 * at effort 0 takes ~17 ms lossy and ~30 ms lossless. The model bills images by pixel size, not
 * bytes, so the fastest lossless encoding wins.
 */
export const SCREENSHOT_MEDIA_TYPE = 'image/png' as const;

/** An encoded image of exactly the size asked for. */
export interface EncodedImage {
  bytes: Buffer;
  mediaType: typeof SCREENSHOT_MEDIA_TYPE;
  width: number;
  height: number;
}

const LITTLE_ENDIAN = endianness() === 'LE';

// sharp runs libvips on one thread on glibc by default, to limit heap fragmentation. A screenshot
// is waited on by the agent loop and this process makes only a few, so use every core: the
// resize takes about half as long on two.
sharp.concurrency(availableParallelism());

/**
 * Packs a grab as tightly packed RGB, the order sharp reads raw pixels in. A fourth channel is
 * padding, never alpha: X11 leaves that byte 0, and read as alpha it would turn the whole screen
 * transparent (or black once flattened). Four pixels are read as four 32-bit words and written
 * as three, about twice as fast as a byte-wise loop (2 ms against 4 ms for 1920×1080).
 */
export function toPackedRgb(raw: RawScreenImage): Buffer {
  const pixels = raw.width * raw.height;
  if (raw.data.length < pixels * raw.channels) {
    throw new RangeError(
      `raw image holds ${raw.data.length} bytes, fewer than ${raw.width}x${raw.height}x${raw.channels}`,
    );
  }
  if (raw.channels === 3 && raw.colorOrder === 'RGB') return raw.data.subarray(0, pixels * 3);

  const out = Buffer.allocUnsafe(pixels * 3);
  const src = raw.data;
  const bgr = raw.colorOrder === 'BGR';
  if (raw.channels === 4 && LITTLE_ENDIAN && src.byteOffset % 4 === 0 && out.byteOffset % 4 === 0) {
    const words = new Uint32Array(src.buffer, src.byteOffset, pixels);
    const packed = new Uint32Array(out.buffer, out.byteOffset, Math.floor((pixels * 3) / 4));
    // In a little-endian word of BGRX bytes red sits at bit 16 and blue at bit 0; RGBX swaps them.
    const rs = bgr ? 16 : 0;
    const bs = bgr ? 0 : 16;
    const whole = pixels - (pixels % 4);
    for (let i = 0, j = 0; i < whole; i += 4, j += 3) {
      const a = words[i]!;
      const b = words[i + 1]!;
      const c = words[i + 2]!;
      const d = words[i + 3]!;
      packed[j] = ((a >>> rs) & 255) | (a & 0xff00) | (((a >>> bs) & 255) << 16) | (((b >>> rs) & 255) << 24);
      packed[j + 1] = ((b >>> 8) & 255) | (((b >>> bs) & 255) << 8) | (((c >>> rs) & 255) << 16) | ((c & 0xff00) << 16);
      packed[j + 2] = ((c >>> bs) & 255) | (((d >>> rs) & 255) << 8) | ((d & 0xff00) << 8) | (((d >>> bs) & 255) << 24);
    }
    copyPixels(src, out, 4, bgr, whole, pixels);
    return out;
  }
  copyPixels(src, out, raw.channels, bgr, 0, pixels);
  return out;
}

function copyPixels(src: Buffer, out: Buffer, channels: number, bgr: boolean, from: number, to: number): void {
  const r = bgr ? 2 : 0;
  const b = bgr ? 0 : 2;
  for (let p = from; p < to; p++) {
    const i = p * channels;
    const j = p * 3;
    out[j] = src[i + r]!;
    out[j + 1] = src[i + 1]!;
    out[j + 2] = src[i + b]!;
  }
}

/**
 * The whole image pipeline after the grab: raw pixels (any supported channel order, physical
 * resolution) to encoded bytes of exactly `size`. The activity and the benchmark both run this,
 * so the benchmark measures what the agent does.
 */
export async function encodeScreenImage(raw: RawScreenImage, size: Size): Promise<EncodedImage> {
  let pipeline = sharp(toPackedRgb(raw), { raw: { width: raw.width, height: raw.height, channels: 3 } });
  if (raw.width !== size.width || raw.height !== size.height) {
    // lanczos2: glyph edges nearly as crisp as lanczos3 (a 14 px against a 12 px ramp across a hard
    // edge at 1920x1080 → 1456x819) in ~25% less time; linear, faster still, visibly softens text.
    pipeline = pipeline.resize(size.width, size.height, { fit: 'fill', kernel: 'lanczos2' });
  }
  const bytes = await pipeline.png({ compressionLevel: 1, adaptiveFiltering: false }).toBuffer();
  return { bytes, mediaType: SCREENSHOT_MEDIA_TYPE, width: size.width, height: size.height };
}

/** Screen and grab disagree on shape, e.g. the resolution changed between the two calls. */
function assertSameShape(raw: Size, logical: Size): void {
  const ratio = (raw.width / logical.width) / (raw.height / logical.height);
  if (Math.abs(ratio - 1) > 0.01) {
    throw new Error(
      `the screen grab is ${raw.width}x${raw.height} but the screen is ${logical.width}x${logical.height} ` +
        'logical pixels; the resolution probably changed while it was captured',
    );
  }
}

/**
 * Screenshots in the model's image space for one model family's image limit.
 *
 * The advertised size comes from the LOGICAL screen size, because the model's coordinates are
 * mapped back to the mouse's logical pixels (coordinates.ts). The pixels come from the physical
 * grab: on a HiDPI screen that image is larger than the logical size, and scaling it straight
 * down to the advertised size is sharper than first reducing it to logical pixels. A screen that
 * already fits the limit is sent at its logical size, never at the larger physical one, so image
 * and mouse stay one to one.
 */
export function createScreenCapture(deps: { grabber: ScreenGrabber; store: ContentStore; limit: ImageLimit }): ScreenCapture {
  const { grabber, store, limit } = deps;

  const keep = async (encoded: EncodedImage): Promise<CapturedImage> => ({
    ref: await store.put(encoded.bytes),
    mediaType: encoded.mediaType,
    width: encoded.width,
    height: encoded.height,
  });

  return {
    async screenshot() {
      const [raw, logical] = await Promise.all([grabber.grab(), grabber.logicalSize()]);
      assertSameShape(raw, logical);
      const geometry: ScreenGeometry = {
        logical: { width: logical.width, height: logical.height },
        image: advertisedImageSize(logical, limit),
      };
      return { ...(await keep(await encodeScreenImage(raw, geometry.image))), geometry };
    },

    async geometry() {
      const logical = await grabber.logicalSize();
      return { logical: { width: logical.width, height: logical.height }, image: advertisedImageSize(logical, limit) };
    },

    async zoom(region: Rect, geometry: ScreenGeometry) {
      const raw = await grabber.grab(imageRectToScreen(region, geometry));
      return keep(await encodeScreenImage(raw, advertisedImageSize(raw, limit)));
    },
  };
}
