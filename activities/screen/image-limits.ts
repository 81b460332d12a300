import { modelProfile, type ImageRule } from '../../common/models.js';
import type { Size } from '../ports.js';

/**
 * The largest image a model takes without the API downscaling it again (or, for the toolsets,
 * refusing it). Sending exactly that size keeps the model's coordinates in the space we
 * advertise, so clicks land where it meant, and sends no pixels that would be thrown away. The
 * rule per model lives in the one model table.
 */
export type ImageLimit = ImageRule;

/** The image rule of a model id; unknown (newer) models get the newest rule. */
export function imageLimitForModel(model: string): ImageLimit {
  return modelProfile(model).images;
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
