import { describe, expect, it } from 'vitest';
import type { Size } from '../../activities/ports.js';
import {
  advertisedImageSize,
  CLAUDE_3_IMAGE_LIMIT,
  CLAUDE_4_IMAGE_LIMIT,
  imageLimitForModel,
  type ImageLimit,
} from '../../activities/screen/image-limits.js';

function fitsRule(size: Size, limit: ImageLimit): boolean {
  const patches = Math.ceil(size.width / limit.patchSize) * Math.ceil(size.height / limit.patchSize);
  return Math.max(size.width, size.height) <= limit.maxLongEdge && patches <= limit.maxPatches;
}

const screens: Array<[string, Size]> = [
  ['1920x1080 full HD', { width: 1920, height: 1080 }],
  ['1280x800 WXGA', { width: 1280, height: 800 }],
  ['2560x1440 QHD', { width: 2560, height: 1440 }],
  ['3840x2160 4K', { width: 3840, height: 2160 }],
  ['1024x768 XGA', { width: 1024, height: 768 }],
  ['1080x1920 portrait', { width: 1080, height: 1920 }],
  ['1440x2560 portrait', { width: 1440, height: 2560 }],
  ['2880x1800 Retina', { width: 2880, height: 1800 }],
  ['3440x1440 ultrawide', { width: 3440, height: 1440 }],
  ['1600x1200 4:3', { width: 1600, height: 1200 }],
  ['640x480 tiny', { width: 640, height: 480 }],
  ['200x100 tiny', { width: 200, height: 100 }],
];

describe('advertisedImageSize', () => {
  it.each(screens)('%s: the model gets the largest image it takes without rescaling it', (_name, screen) => {
    for (const limit of [CLAUDE_4_IMAGE_LIMIT, CLAUDE_3_IMAGE_LIMIT]) {
      const image = advertisedImageSize(screen, limit);
      expect(fitsRule(image, limit)).toBe(true);
      expect(image.width).toBeLessThanOrEqual(screen.width);
      expect(image.height).toBeLessThanOrEqual(screen.height);
      const aspect = image.width / image.height / (screen.width / screen.height);
      expect(Math.abs(aspect - 1)).toBeLessThan(0.01);
      if (image.width < screen.width) {
        const larger = { width: Math.round(image.width * 1.01), height: Math.round(image.height * 1.01) };
        expect(fitsRule(larger, limit)).toBe(false);
      }
    }
  });

  it('known sizes for Claude 4: 16:9 screens become 1456x819, 16:10 1280x800 is sent as is', () => {
    expect(advertisedImageSize({ width: 1920, height: 1080 }, CLAUDE_4_IMAGE_LIMIT)).toEqual({ width: 1456, height: 819 });
    expect(advertisedImageSize({ width: 3840, height: 2160 }, CLAUDE_4_IMAGE_LIMIT)).toEqual({ width: 1456, height: 819 });
    expect(advertisedImageSize({ width: 1080, height: 1920 }, CLAUDE_4_IMAGE_LIMIT)).toEqual({ width: 819, height: 1456 });
    expect(advertisedImageSize({ width: 1280, height: 800 }, CLAUDE_4_IMAGE_LIMIT)).toEqual({ width: 1280, height: 800 });
    expect(advertisedImageSize({ width: 1024, height: 768 }, CLAUDE_4_IMAGE_LIMIT)).toEqual({ width: 1024, height: 768 });
  });

  it('a screen that already fits is never scaled, up or down', () => {
    expect(advertisedImageSize({ width: 800, height: 600 }, CLAUDE_4_IMAGE_LIMIT)).toEqual({ width: 800, height: 600 });
    expect(advertisedImageSize({ width: 1, height: 1 }, CLAUDE_4_IMAGE_LIMIT)).toEqual({ width: 1, height: 1 });
  });

  it('uses the whole long edge when only the long edge is over (no pixel lost to rounding)', () => {
    expect(advertisedImageSize({ width: 3000, height: 100 }, CLAUDE_4_IMAGE_LIMIT)).toEqual({ width: 1568, height: 52 });
    expect(advertisedImageSize({ width: 897, height: 2093 }, CLAUDE_4_IMAGE_LIMIT)).toEqual({ width: 672, height: 1568 });
  });

  it('every size from 100 to 6000 px wide, at common aspect ratios, is the maximal fitting size', () => {
    for (let width = 100; width <= 6000; width += 13) {
      for (const aspect of [16 / 9, 16 / 10, 4 / 3, 21 / 9, 9 / 16, 1]) {
        const screen = { width, height: Math.max(1, Math.round(width / aspect)) };
        const image = advertisedImageSize(screen, CLAUDE_4_IMAGE_LIMIT);
        expect(fitsRule(image, CLAUDE_4_IMAGE_LIMIT)).toBe(true);
        if (image.width === screen.width) continue;
        const long = Math.max(image.width, image.height);
        const next = long + 1;
        const [screenLong, screenShort] = [Math.max(screen.width, screen.height), Math.min(screen.width, screen.height)];
        const nextShort = Math.max(1, Math.floor((screenShort * next) / screenLong));
        const bigger = screen.width >= screen.height ? { width: next, height: nextShort } : { width: nextShort, height: next };
        expect(next > screenLong || !fitsRule(bigger, CLAUDE_4_IMAGE_LIMIT)).toBe(true);
      }
    }
  });

  it('rejects an empty screen', () => {
    expect(() => advertisedImageSize({ width: 0, height: 1080 }, CLAUDE_4_IMAGE_LIMIT)).toThrow(RangeError);
  });
});

describe('imageLimitForModel', () => {
  it('Claude 3 models get the 3.x rule, everything else (newer) the current one', () => {
    expect(imageLimitForModel('claude-3-7-sonnet-20250219')).toBe(CLAUDE_3_IMAGE_LIMIT);
    expect(imageLimitForModel('claude-sonnet-4-5')).toBe(CLAUDE_4_IMAGE_LIMIT);
    expect(imageLimitForModel('claude-opus-9')).toBe(CLAUDE_4_IMAGE_LIMIT);
  });
});
