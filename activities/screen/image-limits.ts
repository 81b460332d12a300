import type { Size } from '../ports.js';

/**
 * The largest image a model family takes without the API downscaling it again. Sending exactly
 * that size keeps the model's coordinates in the space we advertise, so clicks land where it
 * meant, and sends no pixels that would be thrown away.
 */
export interface ImageLimit {
  maxLongEdge: number;
  /** The API counts images in square patches; more than this many and it downscales. */
  patchSize: number;
  maxPatches: number;
}

/** Claude 4.x and later: long edge at most 1568 px and at most 1568 patches of 28×28 px. */
export const CLAUDE_4_IMAGE_LIMIT: ImageLimit = { maxLongEdge: 1568, patchSize: 28, maxPatches: 1568 };

/** Claude 3.x: long edge 1568 px and about 1.15 megapixels, i.e. 1568 patches of 27×27 px. */
export const CLAUDE_3_IMAGE_LIMIT: ImageLimit = { maxLongEdge: 1568, patchSize: 27, maxPatches: 1568 };

/** The image limit for a model id; unknown (newer) models get the current family's rule. */
export function imageLimitForModel(model: string): ImageLimit {
  return /^claude-3/.test(model) ? CLAUDE_3_IMAGE_LIMIT : CLAUDE_4_IMAGE_LIMIT;
}

function fits(size: Size, limit: ImageLimit): boolean {
  const patches = Math.ceil(size.width / limit.patchSize) * Math.ceil(size.height / limit.patchSize);
  return Math.max(size.width, size.height) <= limit.maxLongEdge && patches <= limit.maxPatches;
}

/**
 * The size a screen of `screen` pixels is scaled to before the model sees it: the same aspect
 * ratio, never upscaled, as large as the limit allows.
 */
export function advertisedImageSize(screen: Size, limit: ImageLimit): Size {
  if (!(screen.width > 0 && screen.height > 0)) throw new RangeError('screen size must be positive');
  if (fits(screen, limit)) return { width: screen.width, height: screen.height };
  const landscape = screen.width >= screen.height;
  const long = landscape ? screen.width : screen.height;
  const short = landscape ? screen.height : screen.width;
  // The patch count is a step function of the size, so walk the long edge down one pixel at a
  // time. Integer arithmetic: a floating-point scale times the edge can floor to one pixel less.
  for (let edge = Math.min(long, limit.maxLongEdge); edge > 1; edge--) {
    const other = Math.max(1, Math.floor((short * edge) / long));
    const candidate = landscape ? { width: edge, height: other } : { width: other, height: edge };
    if (fits(candidate, limit)) return candidate;
  }
  return { width: 1, height: 1 };
}
