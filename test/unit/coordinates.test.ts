import { describe, expect, it } from 'vitest';
import {
  imageRectToScreen,
  imageToScreen,
  OutsideScreenError,
  screenToImage,
  type ScreenGeometry,
} from '../../activities/screen/coordinates.js';

const geometries: Array<[string, ScreenGeometry]> = [
  ['1920x1080 shown as 1456x819', { logical: { width: 1920, height: 1080 }, image: { width: 1456, height: 819 } }],
  ['3840x2160 shown as 1456x819', { logical: { width: 3840, height: 2160 }, image: { width: 1456, height: 819 } }],
  ['1440x900 shown as 1390x868', { logical: { width: 1440, height: 900 }, image: { width: 1390, height: 868 } }],
  ['1280x800 shown as is', { logical: { width: 1280, height: 800 }, image: { width: 1280, height: 800 } }],
  ['1080x1920 portrait shown as 819x1456', { logical: { width: 1080, height: 1920 }, image: { width: 819, height: 1456 } }],
];

describe.each(geometries)('%s', (_name, geometry) => {
  const { image, logical } = geometry;

  it('every image pixel the model clicks reads back as the same pixel in cursor_position', () => {
    for (let x = 0; x < image.width; x++) {
      const y = Math.floor((x * image.height) / image.width);
      const screen = imageToScreen({ x, y }, geometry);
      expect(screenToImage(screen, geometry)).toEqual({ x, y });
    }
  });

  it('a click lands inside the part of the screen that image pixel shows', () => {
    const scaleX = logical.width / image.width;
    const scaleY = logical.height / image.height;
    for (const point of [{ x: 0, y: 0 }, { x: 123, y: 45 }, { x: image.width - 1, y: image.height - 1 }]) {
      const screen = imageToScreen(point, geometry);
      expect(screen.x).toBeGreaterThanOrEqual(Math.floor(point.x * scaleX));
      expect(screen.x).toBeLessThan(Math.ceil((point.x + 1) * scaleX));
      expect(screen.y).toBeGreaterThanOrEqual(Math.floor(point.y * scaleY));
      expect(screen.y).toBeLessThan(Math.ceil((point.y + 1) * scaleY));
    }
  });

  it('corners map to corners', () => {
    expect(screenToImage({ x: 0, y: 0 }, geometry)).toEqual({ x: 0, y: 0 });
    expect(screenToImage({ x: logical.width - 1, y: logical.height - 1 }, geometry)).toEqual({
      x: image.width - 1,
      y: image.height - 1,
    });
    const bottomRight = imageToScreen({ x: image.width - 1, y: image.height - 1 }, geometry);
    expect(bottomRight.x).toBeLessThan(logical.width);
    expect(bottomRight.y).toBeLessThan(logical.height);
    expect(bottomRight.x).toBeGreaterThan(logical.width - 1 - logical.width / image.width);
    expect(bottomRight.y).toBeGreaterThan(logical.height - 1 - logical.height / image.height);
  });

  it('a screen position round-trips through the image to within one image pixel', () => {
    const scaleX = logical.width / image.width;
    for (let x = 0; x < logical.width; x += 7) {
      const back = imageToScreen(screenToImage({ x, y: 0 }, geometry), geometry);
      expect(Math.abs(back.x - x)).toBeLessThanOrEqual(Math.ceil(scaleX));
    }
  });

  it('a click outside the image is refused with a message saying the valid range', () => {
    for (const point of [{ x: -1, y: 0 }, { x: 0, y: -1 }, { x: image.width, y: 0 }, { x: 0, y: image.height }]) {
      expect(() => imageToScreen(point, geometry)).toThrow(OutsideScreenError);
    }
    expect(() => imageToScreen({ x: image.width, y: 5 }, geometry)).toThrow(
      `use x from 0 to ${image.width - 1} and y from 0 to ${image.height - 1}`,
    );
  });

  it('a zoom region maps to the screen area it shows and is clipped to the screen', () => {
    const whole = imageRectToScreen({ x: 0, y: 0, width: image.width, height: image.height }, geometry);
    expect(whole.x).toBeLessThanOrEqual(Math.ceil(logical.width / image.width));
    expect(whole.x + whole.width).toBeGreaterThanOrEqual(logical.width - Math.ceil(logical.width / image.width));
    const overhanging = imageRectToScreen({ x: image.width - 10, y: image.height - 10, width: 500, height: 500 }, geometry);
    expect(overhanging.x + overhanging.width).toBeLessThanOrEqual(logical.width);
    expect(overhanging.y + overhanging.height).toBeLessThanOrEqual(logical.height);
    expect(() => imageRectToScreen({ x: image.width, y: 0, width: 10, height: 10 }, geometry)).toThrow(OutsideScreenError);
  });
});
