import sharp from 'sharp';

/** How wide a preview is: a phone's task timeline shows it at about this size. */
export const PREVIEW_WIDTH = 480;

/**
 * A full-size image stays under this many bytes, so it fits one Temporal payload with room to
 * spare when it travels from another desktop (see common/desktop-record.ts).
 */
export const MAX_FULL_IMAGE_BYTES = 1_000_000;

/** Quality steps tried in turn for a full-size image that would be too large at the first. */
const FULL_QUALITIES = [90, 75, 60, 45];

/**
 * A stored screenshot as the phone gets it: WebP, a 480 px wide preview, or `full` at the size
 * the agent saw it (lower quality, then smaller, only when it would pass {@link MAX_FULL_IMAGE_BYTES}).
 * One function for the gateway's own screenshots and for those it fetches from other desktops,
 * so a phone sees the same image wherever the task ran.
 */
export async function renderScreenshotImage(image: Buffer, size: 'preview' | 'full'): Promise<Buffer> {
  if (size === 'preview') return sharp(image).resize({ width: PREVIEW_WIDTH, withoutEnlargement: true }).webp({ quality: 70 }).toBuffer();
  let rendered = Buffer.alloc(0);
  for (const quality of FULL_QUALITIES) {
    rendered = await sharp(image).webp({ quality }).toBuffer();
    if (rendered.length <= MAX_FULL_IMAGE_BYTES) return rendered;
  }
  const { width = 1 } = await sharp(image).metadata();
  for (let scale = 0.75; scale > 0.1; scale *= 0.75) {
    rendered = await sharp(image).resize({ width: Math.max(1, Math.round(width * scale)) }).webp({ quality: 60 }).toBuffer();
    if (rendered.length <= MAX_FULL_IMAGE_BYTES) return rendered;
  }
  return rendered;
}
