import { describe, expect, it } from 'vitest';
import { advertisedImageSize, imageLimitForModel } from '../../activities/screen/image-limits.js';
import { LARGE_IMAGE_RULE, STANDARD_IMAGE_RULE } from '../../common/models.js';

// Expected sizes are literals worked out from the published rules (long edge and 28×28 patches:
// 1568/1568 for earlier Claude 4 models, 2576/4784 for Opus 4.7 and the toolset models), not
// computed by a copy of the code under test.
const standard: Array<[string, [number, number], [number, number]]> = [
  ['1920x1080 full HD', [1920, 1080], [1456, 819]],
  ['3840x2160 4K', [3840, 2160], [1456, 819]],
  ['1080x1920 portrait', [1080, 1920], [819, 1456]],
  ['1280x800 WXGA is sent as is', [1280, 800], [1280, 800]],
  ['1024x768 XGA is sent as is', [1024, 768], [1024, 768]],
  ['3000x100 strip: only the long edge binds', [3000, 100], [1568, 52]],
  ['897x2093 odd portrait', [897, 2093], [672, 1568]],
  ['1x1', [1, 1], [1, 1]],
];

const large: Array<[string, [number, number], [number, number]]> = [
  ['1920x1080 full HD goes pixel for pixel', [1920, 1080], [1920, 1080]],
  ['2560x1440 QHD goes pixel for pixel (exactly 4784 patches)', [2560, 1440], [2560, 1440]],
  ['3840x2160 4K is scaled to fit', [3840, 2160], [2576, 1449]],
  ['1920x1200 WUXGA goes pixel for pixel', [1920, 1200], [1920, 1200]],
  ['3000x100 strip: only the long edge binds', [3000, 100], [2576, 85]],
];

describe('the screenshot size a model is sent', () => {
  it.each(standard)('standard rule, %s', (_name, [width, height], [w, h]) => {
    expect(advertisedImageSize({ width, height }, STANDARD_IMAGE_RULE)).toEqual({ width: w, height: h });
  });

  it.each(large)('large rule, %s', (_name, [width, height], [w, h]) => {
    expect(advertisedImageSize({ width, height }, LARGE_IMAGE_RULE)).toEqual({ width: w, height: h });
  });

  it('refuses a screen without pixels', () => {
    expect(() => advertisedImageSize({ width: 0, height: 1080 }, STANDARD_IMAGE_RULE)).toThrow(RangeError);
  });
});

describe('the image rule of each model', () => {
  it('toolset models and Opus 4.7 read 2576 px / 4784 patches; earlier models 1568 / 1568', () => {
    for (const model of ['claude-sonnet-5-5', 'claude-opus-5', 'claude-fable-5-1', 'claude-opus-4-8', 'claude-opus-4-7', 'claude-opus-9']) {
      expect(imageLimitForModel(model), model).toMatchObject({ maxLongEdge: 2576, maxPatches: 4784, patchSize: 28 });
    }
    for (const model of ['claude-sonnet-4-6', 'claude-opus-4-5', 'claude-sonnet-4-5-20250929', 'claude-haiku-4-5']) {
      expect(imageLimitForModel(model), model).toMatchObject({ maxLongEdge: 1568, maxPatches: 1568, patchSize: 28 });
    }
  });
});
