import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawScreenImage, Rect, ScreenGrabber, Size } from '../../activities/ports.js';
import { createScreenCapture, encodeScreenImage } from '../../activities/screen/capture.js';
import { imageToScreen, screenToImage } from '../../activities/screen/coordinates.js';
import { advertisedImageSize } from '../../activities/screen/image-limits.js';
import { STANDARD_IMAGE_RULE } from '../../common/models.js';
import { createContentStore, type ContentStore } from '../../activities/store/content-store.js';

type Rgb = [number, number, number];
interface Block extends Rect {
  colour: Rgb;
}

const BACKGROUND: Rgb = [40, 40, 40];
/** Logical-pixel blocks in colours that a red/blue swap would turn into one another. */
const BLOCKS: Block[] = [
  { x: 100, y: 100, width: 300, height: 200, colour: [230, 20, 20] },
  { x: 1500, y: 150, width: 300, height: 200, colour: [20, 20, 230] },
  { x: 800, y: 700, width: 250, height: 250, colour: [20, 200, 40] },
  { x: 1700, y: 900, width: 200, height: 150, colour: [250, 200, 10] },
];

/**
 * A screen as X11 hands it over: BGRA with the fourth byte 0 (padding, not alpha), at `scale`
 * physical pixels per logical pixel.
 */
function paintScreen(logical: Size, scale: number, order: 'BGR' | 'RGB' = 'BGR', channels: 3 | 4 = 4): RawScreenImage {
  const width = logical.width * scale;
  const height = logical.height * scale;
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const block = BLOCKS.find((b) => x >= b.x * scale && x < (b.x + b.width) * scale && y >= b.y * scale && y < (b.y + b.height) * scale);
      const [r, g, b] = block?.colour ?? BACKGROUND;
      const i = (y * width + x) * channels;
      data[i] = order === 'BGR' ? b : r;
      data[i + 1] = g;
      data[i + 2] = order === 'BGR' ? r : b;
    }
  }
  return { data, width, height, channels, colorOrder: order };
}

function crop(raw: RawScreenImage, region: Rect, scale: number): RawScreenImage {
  const width = region.width * scale;
  const height = region.height * scale;
  const data = Buffer.alloc(width * height * raw.channels);
  for (let y = 0; y < height; y++) {
    const from = ((region.y * scale + y) * raw.width + region.x * scale) * raw.channels;
    raw.data.copy(data, y * width * raw.channels, from, from + width * raw.channels);
  }
  return { ...raw, data, width, height };
}

/** A grabber over a painted screen, HiDPI when `scale` > 1. */
function fakeGrabber(logical: Size, scale: number): ScreenGrabber & { regions: Rect[] } {
  const screen = paintScreen(logical, scale);
  const regions: Rect[] = [];
  return {
    regions,
    grab: async (region) => {
      if (!region) return screen;
      regions.push(region);
      return crop(screen, region, scale);
    },
    logicalSize: async () => logical,
  };
}

async function decode(bytes: Buffer) {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number): Rgb => {
    const i = (y * info.width + x) * info.channels;
    return [data[i]!, data[i + 1]!, data[i + 2]!];
  };
  return { width: info.width, height: info.height, format: (await sharp(bytes).metadata()).format, at };
}

/** Equal within a few levels: the scaler may round a colour at a block's centre by one or two. */
function expectColour(actual: Rgb, expected: Rgb): void {
  const difference = Math.max(...actual.map((value, i) => Math.abs(value - expected[i]!)));
  expect(difference, `colour ${actual.join(',')} where ${expected.join(',')} was painted`).toBeLessThanOrEqual(3);
}

function centre(block: Rect) {
  return { x: block.x + Math.floor(block.width / 2), y: block.y + Math.floor(block.height / 2) };
}

let directory: string;
let store: ContentStore;
beforeAll(async () => {
  directory = await mkdtemp(path.join(os.tmpdir(), 'capture-pipeline-'));
  store = createContentStore(directory);
});
afterAll(() => rm(directory, { recursive: true, force: true }));

describe('encodeScreenImage', () => {
  const logical = { width: 1920, height: 1080 };
  const target = advertisedImageSize(logical, STANDARD_IMAGE_RULE);

  it.each([
    ['BGRA with a zero padding byte (X11)', 'BGR', 4],
    ['RGBA', 'RGB', 4],
    ['BGR', 'BGR', 3],
    ['RGB', 'RGB', 3],
  ] as const)('%s: the image has the advertised size and each colour where it is on screen', async (_name, order, channels) => {
    const encoded = await encodeScreenImage(paintScreen(logical, 1, order, channels), target);
    const image = await decode(encoded.bytes);
    expect(encoded.mediaType).toBe('image/png');
    expect(image.format).toBe('png');
    expect([image.width, image.height]).toEqual([target.width, target.height]);
    const geometry = { logical, image: target };
    for (const block of BLOCKS) {
      const point = screenToImage(centre(block), geometry);
      expectColour(image.at(point.x, point.y), block.colour);
    }
    expect(image.at(2, 2)).toEqual(BACKGROUND);
  });

  it('sends pixels unscaled when the target is the grab size', async () => {
    const small = { width: 1280, height: 800 };
    const raw = paintScreen(small, 1);
    const image = await decode((await encodeScreenImage(raw, small)).bytes);
    expect([image.width, image.height]).toEqual([1280, 800]);
    expect(image.at(100, 100)).toEqual([230, 20, 20]);
    expect(image.at(99, 99)).toEqual(BACKGROUND);
  });
});

describe('createScreenCapture', () => {
  it('a screenshot is stored as PNG at the advertised size with the geometry to map clicks back', async () => {
    const capture = createScreenCapture({ grabber: fakeGrabber({ width: 1920, height: 1080 }, 1), store, limit: STANDARD_IMAGE_RULE });
    const shot = await capture.screenshot();
    expect(shot.geometry).toEqual({ logical: { width: 1920, height: 1080 }, image: { width: 1456, height: 819 } });
    expect([shot.width, shot.height, shot.mediaType]).toEqual([1456, 819, 'image/png']);
    const image = await decode(await store.get(shot.ref));
    expect([image.width, image.height]).toEqual([1456, 819]);
  });

  it.each([
    ['1280x800 at 2x', { width: 1280, height: 800 }, { width: 1280, height: 800 }],
    ['1440x900 at 2x', { width: 1440, height: 900 }, { width: 1390, height: 868 }],
  ])('HiDPI %s: the image is sized from logical pixels and a click on a block lands on it', async (_name, logical, expected) => {
    const grabber = fakeGrabber(logical, 2);
    const capture = createScreenCapture({ grabber, store, limit: STANDARD_IMAGE_RULE });
    const shot = await capture.screenshot();
    expect(shot.geometry).toEqual({ logical, image: expected });
    const image = await decode(await store.get(shot.ref));
    expect([image.width, image.height]).toEqual([expected.width, expected.height]);
    for (const block of BLOCKS.filter((b) => b.x + b.width <= logical.width && b.y + b.height <= logical.height)) {
      // Find the block in the image as the model would, then click its middle.
      const seen = screenToImage(centre(block), shot.geometry);
      expectColour(image.at(seen.x, seen.y), block.colour);
      const click = imageToScreen(seen, shot.geometry);
      expect(click.x).toBeGreaterThanOrEqual(block.x);
      expect(click.x).toBeLessThan(block.x + block.width);
      expect(click.y).toBeGreaterThanOrEqual(block.y);
      expect(click.y).toBeLessThan(block.y + block.height);
    }
  });

  it('zoom grabs the region at native (physical) resolution without scaling it down', async () => {
    const logical = { width: 1280, height: 800 };
    const grabber = fakeGrabber(logical, 2);
    const capture = createScreenCapture({ grabber, store, limit: STANDARD_IMAGE_RULE });
    const geometry = { logical, image: logical };
    const zoomed = await capture.zoom({ x: 90, y: 90, width: 40, height: 30 }, geometry);
    expect(grabber.regions).toEqual([{ x: 90, y: 90, width: 40, height: 30 }]);
    expect([zoomed.width, zoomed.height]).toEqual([80, 60]);
    const image = await decode(await store.get(zoomed.ref));
    expect([image.width, image.height]).toEqual([80, 60]);
    expect(image.at(19, 19)).toEqual(BACKGROUND);
    expect(image.at(20, 20)).toEqual([230, 20, 20]);
  });

  it('a zoom larger than the model takes is fitted to the limit', async () => {
    const logical = { width: 1920, height: 1080 };
    const capture = createScreenCapture({ grabber: fakeGrabber(logical, 2), store, limit: STANDARD_IMAGE_RULE });
    const zoomed = await capture.zoom({ x: 0, y: 0, width: 1456, height: 819 }, { logical, image: { width: 1456, height: 819 } });
    expect([zoomed.width, zoomed.height]).toEqual([1456, 819]);
  });

  it('a grab whose shape disagrees with the screen size fails instead of mis-mapping clicks', async () => {
    const grabber: ScreenGrabber = {
      grab: async () => paintScreen({ width: 1920, height: 1080 }, 1),
      logicalSize: async () => ({ width: 1280, height: 1024 }),
    };
    const capture = createScreenCapture({ grabber, store, limit: STANDARD_IMAGE_RULE });
    await expect(capture.screenshot()).rejects.toThrow(/resolution probably changed/);
  });
});
