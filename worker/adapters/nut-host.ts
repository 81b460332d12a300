/**
 * The process nut-js runs in: screen grabbing and mouse/keyboard input for the worker, which
 * talks to it through `nut-host-client.ts`. The only module that imports nut-js, so a different
 * automation library replaces one file.
 *
 * A child of its own because Xlib ends the process whose display connection breaks; this one may
 * die that way, the worker must not. It opens the display named by DISPLAY on first use, answers
 * one request at a time, and exits when the worker goes away.
 */
import {
  Button,
  ColorMode,
  type Image,
  Key,
  keyboard,
  mouse,
  Point,
  providerRegistry,
  Region,
  screen,
} from '@nut-tree-fork/nut-js';
import type { KeyName } from '../../activities/input/key-names.js';
import type { MouseButton, RawScreenImage } from '../../activities/ports.js';
import type { NutAnswers, NutHostMessage, NutRequest } from './nut-host-client.js';

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

function keyOf(name: string): Key {
  const key = KEYS[name as KeyName];
  if (key === undefined) throw new Error(`No nut-js key for canonical key name "${name}"`);
  return key;
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

async function perform(request: NutRequest): Promise<NutAnswers[NutRequest['op']]> {
  switch (request.op) {
    case 'moveMouse':
      return void (await mouse.setPosition(new Point(request.to.x, request.to.y)));
    case 'mousePosition': {
      const { x, y } = await mouse.getPosition();
      return { x, y };
    }
    case 'toggleButton':
      return void (await (request.down ? mouse.pressButton(BUTTONS[request.button]) : mouse.releaseButton(BUTTONS[request.button])));
    case 'click':
      for (let i = 0; i < request.count; i++) await mouse.click(BUTTONS[request.button]);
      return;
    case 'scroll':
      // libnut sends X button 7 for "left" and 6 for "right"; X means 6 = left, 7 = right.
      if (request.direction === 'up') await mouse.scrollUp(request.amount);
      else if (request.direction === 'down') await mouse.scrollDown(request.amount);
      else if (request.direction === 'left') await mouse.scrollRight(request.amount);
      else await mouse.scrollLeft(request.amount);
      return;
    case 'toggleKey':
      return void (await (request.down ? keyboard.pressKey(keyOf(request.key)) : keyboard.releaseKey(keyOf(request.key))));
    case 'grab': {
      const { region } = request;
      return toRaw(region ? await screen.grabRegion(new Region(region.x, region.y, region.width, region.height)) : await screen.grab());
    }
    case 'logicalSize':
      return { width: await screen.width(), height: await screen.height() };
    default: {
      const unknown: never = request;
      throw new Error(`Unknown nut host request ${JSON.stringify(unknown)}`);
    }
  }
}

function send(message: NutHostMessage): void {
  process.send!(message);
}

// No artificial pauses: the executor paces actions itself.
mouse.config.autoDelayMs = 0;
keyboard.config.autoDelayMs = 0;
providerRegistry.getKeyboard().setKeyboardDelay(0);
providerRegistry.getMouse().setMouseDelay(0);

let queue: Promise<void> = Promise.resolve();
process.on('message', (message: { id: number; request: NutRequest }) => {
  queue = queue.then(async () => {
    try {
      send({ id: message.id, ok: true, value: await perform(message.request) });
    } catch (error) {
      send({ id: message.id, ok: false, message: error instanceof Error ? error.message : String(error) });
    }
  });
});
// The worker is gone (or let go of this process): nothing is left to answer.
process.on('disconnect', () => process.exit(0));
send({ ready: true });
