import type { ScreenGeometry } from './contract.js';

/**
 * Every conversion between the model's image space and logical screen pixels happens in this
 * module, so a click lands where the model meant on any screen size and pixel density. Pure: the
 * desktop's activities use it to act, and the workflow to show the person where a click landed.
 */
export type { ScreenGeometry };

interface Point {
  x: number;
  y: number;
}
interface Size {
  width: number;
  height: number;
}
interface Rect extends Point, Size {}

/** A point the model gave that lies outside the image it was shown. */
export class OutsideScreenError extends Error {
  constructor(point: Point, image: Size) {
    super(
      `Coordinate (${point.x}, ${point.y}) is outside the screen, which is ${image.width}x${image.height}; ` +
        `use x from 0 to ${image.width - 1} and y from 0 to ${image.height - 1}.`,
    );
    this.name = 'OutsideScreenError';
  }
}

/** Maps a point in the model's image space to logical screen pixels, centre of the image pixel. */
export function imageToScreen(point: Point, geometry: ScreenGeometry): Point {
  const { image, logical } = geometry;
  if (point.x < 0 || point.y < 0 || point.x >= image.width || point.y >= image.height) {
    throw new OutsideScreenError(point, image);
  }
  const scaleX = logical.width / image.width;
  const scaleY = logical.height / image.height;
  return {
    x: Math.min(logical.width - 1, Math.floor((point.x + 0.5) * scaleX)),
    y: Math.min(logical.height - 1, Math.floor((point.y + 0.5) * scaleY)),
  };
}

/**
 * Maps logical screen pixels to the model's image space (for cursor_position). Like
 * {@link imageToScreen} it samples pixel centres, so a point the model clicked reads back as the
 * same image pixel.
 */
export function screenToImage(point: Point, geometry: ScreenGeometry): Point {
  const { image, logical } = geometry;
  return {
    x: Math.min(image.width - 1, Math.max(0, Math.floor(((point.x + 0.5) * image.width) / logical.width))),
    y: Math.min(image.height - 1, Math.max(0, Math.floor(((point.y + 0.5) * image.height) / logical.height))),
  };
}

/** Maps a region in image space to logical pixels, clipped to the screen (for zoom). */
export function imageRectToScreen(rect: Rect, geometry: ScreenGeometry): Rect {
  const topLeft = imageToScreen({ x: rect.x, y: rect.y }, geometry);
  const bottomRight = imageToScreen(
    {
      x: Math.min(geometry.image.width - 1, rect.x + rect.width - 1),
      y: Math.min(geometry.image.height - 1, rect.y + rect.height - 1),
    },
    geometry,
  );
  return {
    x: topLeft.x,
    y: topLeft.y,
    width: Math.max(1, bottomRight.x - topLeft.x + 1),
    height: Math.max(1, bottomRight.y - topLeft.y + 1),
  };
}
