/**
 * The ports activities are built from. Only the worker's composition root builds real adapters
 * (nut-js, the Anthropic SDK, the file system); tests build the same activities on a real X
 * display or on loopback fakes of remote services.
 */
import type { ScreenGeometry } from './screen/coordinates.js';

export interface Point {
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

export interface Rect extends Point, Size {}

/** Pixels exactly as grabbed: physical resolution, which on HiDPI screens exceeds the logical size. */
export interface RawScreenImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 3 | 4;
  colorOrder: 'BGR' | 'RGB';
}

/** Reads the screen. Region coordinates are logical (the mouse's coordinate space). */
export interface ScreenGrabber {
  grab(region?: Rect): Promise<RawScreenImage>;
  /** The size of the screen in logical pixels, the coordinate space of the mouse. */
  logicalSize(): Promise<Size>;
}

export type MouseButton = 'left' | 'right' | 'middle';
export type ScrollDirection = 'up' | 'down' | 'left' | 'right';
/**
 * Where keystrokes would go now: into some application's `window`, `nowhere` (no window has the
 * keyboard focus, so typed text is lost), or `unknown` (the desktop cannot tell cheaply).
 */
export type KeyboardTarget = 'window' | 'nowhere' | 'unknown';

/**
 * Drives the mouse and keyboard. Coordinates are logical screen pixels. Key names are the
 * canonical names of `activities/input/key-names.ts`, already validated.
 */
export interface InputDevice {
  moveMouse(to: Point): Promise<void>;
  mousePosition(): Promise<Point>;
  pressButton(button: MouseButton): Promise<void>;
  releaseButton(button: MouseButton): Promise<void>;
  click(button: MouseButton, count: 1 | 2 | 3): Promise<void>;
  scroll(direction: ScrollDirection, amount: number): Promise<void>;
  pressKey(key: string): Promise<void>;
  releaseKey(key: string): Promise<void>;
  /** Types text exactly as given: symbols, accents, CJK and emoji included. */
  typeText(text: string): Promise<void>;
  /** Where keystrokes would go now; asked before typing, so a result can say the text went nowhere. */
  keyboardTarget(): Promise<KeyboardTarget>;
  /**
   * Releases every key and button the automation may be holding, pressing nothing. Called when a
   * worker starts and after an action was cut short, so no modifier stays down for the person.
   */
  releaseAll(): Promise<void>;
}

/** Waiting, injectable so tests of timing-dependent logic stay fast and deterministic. */
export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** An image stored in the content store, as the model will be shown it. */
export interface CapturedImage {
  ref: string;
  mediaType: 'image/png' | 'image/jpeg' | 'image/webp';
  width: number;
  height: number;
}

/**
 * Screenshots in the model's image space. Built per model family (its image limit), so the
 * advertised display size and the screenshots always agree.
 */
export interface ScreenCapture {
  /** The whole screen, scaled to the advertised size, with the geometry it was taken at. */
  screenshot(): Promise<CapturedImage & { geometry: ScreenGeometry }>;
  /** The geometry a screenshot taken now would have, without taking one (nothing on screen is read). */
  geometry(): Promise<ScreenGeometry>;
  /** A region given in image coordinates, grabbed at the screen's native resolution. */
  zoom(region: Rect, geometry: ScreenGeometry): Promise<CapturedImage>;
}
