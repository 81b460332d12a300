/**
 * The desktop as nut-js sees it: screen grabbing and mouse/keyboard input. The only module that
 * imports nut-js, so a different automation library replaces one file.
 *
 * nut-js opens the X display named by DISPLAY when it first touches it and keeps that
 * connection for the life of the process; set DISPLAY before the first call.
 */
import { existsSync } from 'node:fs';
import {
  Button,
  ColorMode,
  type Image,
  Key,
  keyboard,
  mouse,
  Point as NutPoint,
  providerRegistry,
  Region,
  screen,
} from '@nut-tree-fork/nut-js';
import type { KeyName } from '../../activities/input/key-names.js';
import type { InputDevice, MouseButton, RawScreenImage, Rect, ScreenGrabber } from '../../activities/ports.js';
import type { TextTyper } from './x11-text-typer.js';

const KEYS: Record<KeyName, Key> = {
  a: Key.A, b: Key.B, c: Key.C, d: Key.D, e: Key.E, f: Key.F, g: Key.G, h: Key.H, i: Key.I,
  j: Key.J, k: Key.K, l: Key.L, m: Key.M, n: Key.N, o: Key.O, p: Key.P, q: Key.Q, r: Key.R,
  s: Key.S, t: Key.T, u: Key.U, v: Key.V, w: Key.W, x: Key.X, y: Key.Y, z: Key.Z,
  0: Key.Num0, 1: Key.Num1, 2: Key.Num2, 3: Key.Num3, 4: Key.Num4, 5: Key.Num5, 6: Key.Num6,
  7: Key.Num7, 8: Key.Num8, 9: Key.Num9,
  grave: Key.Grave, minus: Key.Minus, equal: Key.Equal, bracketleft: Key.LeftBracket,
  bracketright: Key.RightBracket, backslash: Key.Backslash, semicolon: Key.Semicolon,
  apostrophe: Key.Quote, comma: Key.Comma, period: Key.Period, slash: Key.Slash, space: Key.Space,
  Return: Key.Return, Tab: Key.Tab, BackSpace: Key.Backspace, Escape: Key.Escape, Delete: Key.Delete,
  Insert: Key.Insert, Home: Key.Home, End: Key.End, Page_Up: Key.PageUp, Page_Down: Key.PageDown,
  Up: Key.Up, Down: Key.Down, Left: Key.Left, Right: Key.Right,
  F1: Key.F1, F2: Key.F2, F3: Key.F3, F4: Key.F4, F5: Key.F5, F6: Key.F6, F7: Key.F7, F8: Key.F8,
  F9: Key.F9, F10: Key.F10, F11: Key.F11, F12: Key.F12,
  Shift_L: Key.LeftShift, Shift_R: Key.RightShift, Control_L: Key.LeftControl,
  Control_R: Key.RightControl, Alt_L: Key.LeftAlt, Alt_R: Key.RightAlt, Super_L: Key.LeftSuper,
  Super_R: Key.RightSuper,
  Caps_Lock: Key.CapsLock, Num_Lock: Key.NumLock, Scroll_Lock: Key.ScrollLock,
  KP_0: Key.NumPad0, KP_1: Key.NumPad1, KP_2: Key.NumPad2, KP_3: Key.NumPad3, KP_4: Key.NumPad4,
  KP_5: Key.NumPad5, KP_6: Key.NumPad6, KP_7: Key.NumPad7, KP_8: Key.NumPad8, KP_9: Key.NumPad9,
  KP_Enter: Key.Enter, KP_Add: Key.Add, KP_Subtract: Key.Subtract, KP_Multiply: Key.Multiply,
  KP_Divide: Key.Divide, KP_Decimal: Key.Decimal, KP_Equal: Key.NumPadEqual,
  XF86AudioMute: Key.AudioMute, XF86AudioLowerVolume: Key.AudioVolDown,
  XF86AudioRaiseVolume: Key.AudioVolUp, XF86AudioPlay: Key.AudioPlay, XF86AudioStop: Key.AudioStop,
  XF86AudioPrev: Key.AudioPrev, XF86AudioNext: Key.AudioNext,
};

const BUTTONS: Record<MouseButton, Button> = { left: Button.LEFT, right: Button.RIGHT, middle: Button.MIDDLE };

/**
 * Xlib ends the whole process when its display connection breaks. Checking that a local
 * display's socket still exists before each call turns the common case, a display that went
 * away between actions, into an error the activity can report.
 */
function assertDisplayPresent(): void {
  const match = /^(?:unix)?:(\d+)(?:\.\d+)?$/.exec(process.env.DISPLAY ?? '');
  if (match && !existsSync(`/tmp/.X11-unix/X${match[1]}`)) {
    throw new Error(`The X display ${process.env.DISPLAY} is gone (no /tmp/.X11-unix/X${match[1]})`);
  }
}

let configured = false;
/** No artificial pauses: the executor paces actions itself. */
function configure(): void {
  if (configured) return;
  assertDisplayPresent();
  mouse.config.autoDelayMs = 0;
  keyboard.config.autoDelayMs = 0;
  providerRegistry.getKeyboard().setKeyboardDelay(0);
  providerRegistry.getMouse().setMouseDelay(0);
  configured = true;
}

function toRaw(image: Image): RawScreenImage {
  if (image.channels !== 3 && image.channels !== 4) {
    throw new Error(`Unexpected screen image with ${image.channels} channels`);
  }
  const rowBytes = image.width * image.channels;
  let data = image.data;
  if (image.byteWidth !== rowBytes) {
    data = Buffer.alloc(rowBytes * image.height);
    for (let row = 0; row < image.height; row++) {
      image.data.copy(data, row * rowBytes, row * image.byteWidth, row * image.byteWidth + rowBytes);
    }
  }
  const colorOrder = image.colorMode === ColorMode.RGB ? 'RGB' : 'BGR';
  return { data, width: image.width, height: image.height, channels: image.channels, colorOrder };
}

/** Grabs the screen at its physical resolution; regions are given in logical pixels. */
export function createNutScreenGrabber(): ScreenGrabber {
  return {
    async grab(region?: Rect) {
      configure();
      assertDisplayPresent();
      const image = region
        ? await screen.grabRegion(new Region(region.x, region.y, region.width, region.height))
        : await screen.grab();
      return toRaw(image);
    },
    async logicalSize() {
      configure();
      assertDisplayPresent();
      return { width: await screen.width(), height: await screen.height() };
    },
  };
}

/**
 * Mouse and keyboard through nut-js, text through `textTyper` (nut-js types many symbols and
 * all accents wrongly on X11). Moves are instant jumps, not animated paths.
 */
export function createNutInputDevice(options: { textTyper: TextTyper }): InputDevice {
  const ready = () => {
    configure();
    assertDisplayPresent();
  };
  const keyOf = (name: string): Key => {
    const key = KEYS[name as KeyName];
    if (key === undefined) throw new Error(`No nut-js key for canonical key name "${name}"`);
    return key;
  };
  return {
    async moveMouse(to) {
      ready();
      await mouse.setPosition(new NutPoint(to.x, to.y));
    },
    async mousePosition() {
      ready();
      const { x, y } = await mouse.getPosition();
      return { x, y };
    },
    async pressButton(button) {
      ready();
      await mouse.pressButton(BUTTONS[button]);
    },
    async releaseButton(button) {
      ready();
      await mouse.releaseButton(BUTTONS[button]);
    },
    async click(button, count) {
      ready();
      for (let i = 0; i < count; i++) await mouse.click(BUTTONS[button]);
    },
    async scroll(direction, amount) {
      ready();
      // libnut sends X button 7 for "left" and 6 for "right"; X means 6 = left, 7 = right.
      if (direction === 'up') await mouse.scrollUp(amount);
      else if (direction === 'down') await mouse.scrollDown(amount);
      else if (direction === 'left') await mouse.scrollRight(amount);
      else await mouse.scrollLeft(amount);
    },
    async pressKey(name) {
      ready();
      await keyboard.pressKey(keyOf(name));
    },
    async releaseKey(name) {
      ready();
      await keyboard.releaseKey(keyOf(name));
    },
    async typeText(text) {
      ready();
      await options.textTyper.type(text);
    },
  };
}
