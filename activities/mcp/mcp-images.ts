import sharp from 'sharp';
import type { ImageRule } from '../../common/models.js';
import { advertisedImageSize } from '../screen/image-limits.js';

/** The image types a tool result may carry to the model (see ToolResultRecord.imageMediaType). */
export type ModelImageType = 'image/png' | 'image/jpeg' | 'image/webp';

/** Sent as they are when small enough; anything else (GIF, SVG, TIFF…) is converted to PNG. */
const SENT_AS_IS: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/webp']);
/** The API refuses an image over 5 MB; keep a margin for base64's own framing. */
const MAX_IMAGE_BYTES = 4_500_000;
/** Decoding more than this many pixels is a server's mistake or an attack, not a picture. */
const MAX_INPUT_PIXELS = 100_000_000;

/**
 * An image from an MCP server as the model may be shown it: within the model's image rule (long
 * edge and patch count, so the API neither shrinks nor refuses it), in a type the API takes, and
 * under its size limit. Undefined when the bytes are no image sharp can read.
 */
export async function fitImageForModel(bytes: Buffer, mimeType: string, rule: ImageRule): Promise<{ bytes: Buffer; mediaType: ModelImageType } | undefined> {
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
  try {
    meta = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
  } catch {
    return undefined;
  }
  if (!meta.width || !meta.height) return undefined;
  const target = advertisedImageSize({ width: meta.width, height: meta.height }, rule);
  const resized = target.width !== meta.width || target.height !== meta.height;
  const sameType = SENT_AS_IS.has(mimeType) && `image/${meta.format}` === mimeType;
  if (!resized && sameType && bytes.length <= MAX_IMAGE_BYTES) return { bytes, mediaType: mimeType as ModelImageType };
  try {
    const pipeline = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).resize({ width: target.width, height: target.height, fit: 'fill' });
    const png = await pipeline.clone().png().toBuffer();
    if (png.length <= MAX_IMAGE_BYTES) return { bytes: png, mediaType: 'image/png' };
    return { bytes: await pipeline.jpeg({ quality: 85 }).toBuffer(), mediaType: 'image/jpeg' };
  } catch {
    return undefined;
  }
}
