import type { BetaBase64ImageSource, BetaImageBlockParam } from '@anthropic-ai/sdk/resources/beta/messages';
import { imageLimitFor, patchesOf, type KnownModel } from './messages-model-table.js';
import { blocksOf, invalid, isRecord, resultBlocksOf, type Json, type Loose, type Refusal } from './messages-refusal.js';

type MediaType = BetaBase64ImageSource['media_type'];

/** The leading bytes each media type must start with; WebP also carries `WEBP` at offset 8. */
const MAGIC: Record<MediaType, (bytes: Buffer) => boolean> = {
  'image/png': (bytes) => bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (bytes) => bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff,
  'image/gif': (bytes) => bytes.subarray(0, 4).toString('latin1') === 'GIF8',
  'image/webp': (bytes) => bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP',
};

const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const MAX_SIDE = 8000;
/** A request with more than this many images limits each to MANY_IMAGES_MAX_SIDE on a side. */
const MANY_IMAGES = 20;
const MANY_IMAGES_MAX_SIDE = 2000;

export interface ImageSize {
  width: number;
  height: number;
}

/**
 * The pixel size an image's header declares, read without decoding it (PNG IHDR, JPEG SOF
 * marker, GIF logical screen, WebP VP8/VP8L/VP8X), or undefined if the header is unreadable.
 */
export function imageSize(bytes: Buffer, mediaType: MediaType): ImageSize | undefined {
  try {
    switch (mediaType) {
      case 'image/png':
        return bytes.subarray(12, 16).toString('latin1') === 'IHDR' ? { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) } : undefined;
      case 'image/gif':
        return { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
      case 'image/webp':
        return webpSize(bytes);
      case 'image/jpeg':
        return jpegSize(bytes);
    }
  } catch {
    return undefined; // a header cut short
  }
}

function webpSize(bytes: Buffer): ImageSize | undefined {
  switch (bytes.subarray(12, 16).toString('latin1')) {
    case 'VP8 ':
      return { width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
    case 'VP8L': {
      const bits = bytes.readUInt32LE(21);
      return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    case 'VP8X':
      return { width: bytes.readUIntLE(24, 3) + 1, height: bytes.readUIntLE(27, 3) + 1 };
    default:
      return undefined;
  }
}

function jpegSize(bytes: Buffer): ImageSize | undefined {
  let offset = 2;
  while (offset + 9 < bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2; // markers without a length
      continue;
    }
    // SOF0–SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { width: bytes.readUInt16BE(offset + 7), height: bytes.readUInt16BE(offset + 5) };
    }
    offset += 2 + bytes.readUInt16BE(offset + 2);
  }
  return undefined;
}

/** Every image block of the messages, with its path, including those inside tool_result content. */
function imageBlocks(messages: Json[]): Array<{ path: string; block: Json }> {
  const found: Array<{ path: string; block: Json }> = [];
  messages.forEach((message, m) =>
    blocksOf(message).forEach((block, b) => {
      if (block.type === 'image') found.push({ path: `messages.${m}.content.${b}`, block });
      if (block.type === 'tool_result') {
        resultBlocksOf(block).forEach((inner, i) => {
          if (inner.type === 'image') found.push({ path: `messages.${m}.content.${b}.content.${i}`, block: inner });
        });
      }
    }),
  );
  return found;
}

/**
 * Refuses the images the real API refuses: an unknown media type, bytes that are not base64 or
 * not of the declared type, more than 5 MB, more than 8000 px on a side (2000 px when a request
 * holds more than 20 images). Beyond the real API it also refuses an image larger than the model
 * takes: the real API would downscale an ordinary one silently (and rejects it in a toolset
 * result), which moves the model's coordinates off the screen's, so the tests treat it as a bug.
 */
export function checkImages(model: KnownModel, messages: Json[]): Refusal | undefined {
  const images = imageBlocks(messages);
  const limit = imageLimitFor(model);
  for (const { path, block } of images) {
    const source = (block as Loose<BetaImageBlockParam>).source;
    if (!isRecord(source)) return invalid(`${path}.source: Field required`);
    if (source.type !== 'base64') continue;
    const { media_type: mediaType, data } = source as Loose<BetaBase64ImageSource>;
    const where = `${path}.image.source.base64`;
    if (typeof mediaType !== 'string' || !Object.hasOwn(MAGIC, mediaType)) {
      return invalid(`${where}.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`);
    }
    if (typeof data !== 'string' || data === '' || data.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(data)) {
      return invalid(`${where}.data: The image data is not valid base64.`);
    }
    const bytes = Buffer.from(data, 'base64');
    if (bytes.length > MAX_IMAGE_BYTES) return invalid(`${where}: image exceeds 5 MB maximum: ${bytes.length} bytes > ${MAX_IMAGE_BYTES} bytes`);
    if (!MAGIC[mediaType as MediaType](bytes)) return invalid(`${where}.data: Image does not match the provided media type ${mediaType}`);
    const size = imageSize(bytes, mediaType as MediaType);
    if (!size || size.width < 1 || size.height < 1) return invalid(`${where}.data: Could not process image`);
    const { width, height } = size;
    const longEdge = Math.max(width, height);
    if (longEdge > MAX_SIDE) return invalid(`${where}.data: At least one of the image dimensions exceed max allowed size: ${MAX_SIDE} pixels`);
    if (images.length > MANY_IMAGES && longEdge > MANY_IMAGES_MAX_SIDE) {
      return invalid(`${where}.data: At least one of the image dimensions exceed max allowed size for many-image requests: ${MANY_IMAGES_MAX_SIDE} pixels`);
    }
    const patches = patchesOf(width, height);
    if (longEdge > limit.maxLongEdge || patches > limit.maxPatches) {
      return invalid(
        `${where}.data: the image is ${width}x${height} px (${patches} patches of 28 px); ${model} takes at most ` +
          `${limit.maxLongEdge} px on the long edge and ${limit.maxPatches} patches, so the model would not see it at the size it was sent`,
      );
    }
  }
  return undefined;
}
