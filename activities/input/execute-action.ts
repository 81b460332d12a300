import type { CapturedImage, Clock, InputDevice, KeyboardTarget, Point, Rect, ScreenCapture } from '../ports.js';
import {
  imageRectToScreen,
  imageToScreen,
  OutsideScreenError,
  screenToImage,
  type ScreenGeometry,
} from '../screen/coordinates.js';
import type { ComputerAction } from './computer-actions.js';
import { KeyNameError, parseKeyChord, parseKeySequence, type KeyChord } from './key-names.js';

/**
 * A problem the model caused and can fix on its next turn (a coordinate off the screen, an
 * unknown key name). It goes back to the model as an `is_error` tool result, never a crash;
 * the message says what to do instead.
 */
export class ModelFixableActionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelFixableActionError';
  }
}

export interface ActionDeps {
  input: InputDevice;
  capture: ScreenCapture;
  clock: Clock;
  /** The geometry of the screenshot the model based this action on. */
  geometry: ScreenGeometry;
}

/** What an action produced for the model: text (cursor position) or an image (screenshot, zoom). */
export interface ActionOutcome {
  readonly text?: string;
  readonly image?: CapturedImage;
  /** cursor_position: where the pointer is, in the model's image space. */
  readonly point?: Point;
}

/** Pause between the steps of a drag so applications see the press, the motion and the release. */
const DRAG_STEP_MS = 50;

const NOTHING: ActionOutcome = Object.freeze({});

/**
 * Said after typing or keys went to no window (asked just before they went out), so the model
 * clicks into the field instead of believing its text arrived. An addition to the result, never a
 * refusal: the desktop may know better than the check (a window manager's own shortcut).
 */
export const NO_FOCUS_TYPE: ActionOutcome = Object.freeze({
  text: 'No window had the keyboard focus, so the text probably went nowhere: click the field first, then type it again.',
});
/** The same for the key action. */
export const NO_FOCUS_KEY: ActionOutcome = Object.freeze({
  text: 'No window had the keyboard focus, so the keys probably went nowhere: click the window first, then press them again.',
});

/** The focus check only adds a hint: if it fails, the keys still go out, without one. */
function keyboardTarget(input: InputDevice): Promise<KeyboardTarget> {
  return input.keyboardTarget().catch((): KeyboardTarget => 'unknown');
}

function toScreen(point: readonly [number, number], geometry: ScreenGeometry): Point {
  try {
    return imageToScreen({ x: point[0], y: point[1] }, geometry);
  } catch (error) {
    if (error instanceof OutsideScreenError) throw new ModelFixableActionError(error.message, { cause: error });
    throw error;
  }
}

function optionalScreenPoint(point: readonly [number, number] | undefined, geometry: ScreenGeometry) {
  return point === undefined ? undefined : toScreen(point, geometry);
}

function keys<T>(parse: (text: string) => T, text: string): T {
  try {
    return parse(text);
  } catch (error) {
    if (error instanceof KeyNameError) throw new ModelFixableActionError(error.message, { cause: error });
    throw error;
  }
}

function modifierKeys(text: string | undefined): KeyChord {
  return text === undefined || text.trim() === '' ? [] : keys(parseKeyChord, text.trim());
}

/** Holds `chord` while `body` runs; every key that went down comes up again, even on failure. */
async function holding<T>(input: InputDevice, chord: KeyChord, body: () => Promise<T>): Promise<T> {
  const pressed: string[] = [];
  try {
    for (const key of chord) {
      await input.pressKey(key);
      pressed.push(key);
    }
    return await body();
  } finally {
    let releaseError: unknown;
    for (const key of pressed.reverse()) {
      try {
        await input.releaseKey(key);
      } catch (error) {
        releaseError ??= error;
      }
    }
    if (releaseError !== undefined) throw releaseError;
  }
}

// C0 controls other than tab and newline (and DEL) have no key to type them with.
const UNTYPEABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/u;

function typeableText(text: string): string {
  const normalized = text.replace(/\r\n?/g, '\n');
  const bad = UNTYPEABLE.exec(normalized);
  if (bad) {
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new ModelFixableActionError(
      `The text contains the control character U+${code}, which cannot be typed. ` +
        'Type only printable text, tabs and newlines; press keys such as Escape with the key action.',
    );
  }
  return normalized;
}

async function clickAt(
  deps: ActionDeps,
  action: { coordinate?: [number, number]; text?: string },
  button: 'left' | 'right' | 'middle',
  count: 1 | 2 | 3,
): Promise<ActionOutcome> {
  const target = optionalScreenPoint(action.coordinate, deps.geometry);
  const chord = modifierKeys(action.text);
  if (target) await deps.input.moveMouse(target);
  await holding(deps.input, chord, () => deps.input.click(button, count));
  return NOTHING;
}

/**
 * Carries out one computer-tool action. Everything the model got wrong is detected before the
 * first side effect, so a rejected action leaves the desktop untouched; keys and buttons pressed
 * for an action are always released, so a failure cannot leave a modifier stuck down.
 * Coordinates are in the model's image space and converted only by `screen/coordinates`.
 */
export async function executeComputerAction(action: ComputerAction, deps: ActionDeps): Promise<ActionOutcome> {
  const { input, capture, clock, geometry } = deps;
  switch (action.action) {
    case 'key': {
      const chords = keys(parseKeySequence, action.text);
      const target = await keyboardTarget(input);
      for (let round = 0; round < (action.repeat ?? 1); round++) {
        for (const chord of chords) await holding(input, chord, async () => {});
      }
      return target === 'nowhere' ? NO_FOCUS_KEY : NOTHING;
    }
    case 'type': {
      const text = typeableText(action.text);
      const target = await keyboardTarget(input);
      await input.typeText(text);
      return target === 'nowhere' ? NO_FOCUS_TYPE : NOTHING;
    }
    case 'mouse_move':
      await input.moveMouse(toScreen(action.coordinate, geometry));
      return NOTHING;
    case 'left_click':
      return clickAt(deps, action, 'left', 1);
    case 'right_click':
      return clickAt(deps, action, 'right', 1);
    case 'middle_click':
      return clickAt(deps, action, 'middle', 1);
    case 'double_click':
      return clickAt(deps, action, 'left', 2);
    case 'triple_click':
      return clickAt(deps, action, 'left', 3);
    case 'left_click_drag': {
      const start = toScreen(action.start_coordinate, geometry);
      const end = toScreen(action.coordinate, geometry);
      await input.moveMouse(start);
      await input.pressButton('left');
      try {
        await clock.sleep(DRAG_STEP_MS);
        await input.moveMouse({ x: Math.round((start.x + end.x) / 2), y: Math.round((start.y + end.y) / 2) });
        await clock.sleep(DRAG_STEP_MS);
        await input.moveMouse(end);
        await clock.sleep(DRAG_STEP_MS);
      } finally {
        await input.releaseButton('left');
      }
      return NOTHING;
    }
    case 'left_mouse_down':
    case 'left_mouse_up': {
      const target = optionalScreenPoint(action.coordinate, geometry);
      if (target) await input.moveMouse(target);
      await (action.action === 'left_mouse_down' ? input.pressButton('left') : input.releaseButton('left'));
      return NOTHING;
    }
    case 'scroll': {
      const target = optionalScreenPoint(action.coordinate, geometry);
      const chord = modifierKeys(action.text);
      if (target) await input.moveMouse(target);
      await holding(input, chord, () => input.scroll(action.scroll_direction, action.scroll_amount));
      return NOTHING;
    }
    case 'hold_key': {
      const chord = keys(parseKeyChord, action.text.trim());
      await holding(input, chord, () => clock.sleep(action.duration * 1000));
      return NOTHING;
    }
    case 'wait':
      await clock.sleep(action.duration * 1000);
      return NOTHING;
    case 'cursor_position': {
      const { x, y } = screenToImage(await input.mousePosition(), geometry);
      return Object.freeze({ text: `X=${x},Y=${y}`, point: Object.freeze({ x, y }) });
    }
    case 'screenshot':
      return Object.freeze({ image: Object.freeze(await capture.screenshot()) });
    case 'zoom': {
      const [x0, y0, x1, y1] = action.region;
      const { width, height } = geometry.image;
      if (x1 > width || y1 > height) {
        throw new ModelFixableActionError(
          `The zoom region [${action.region.join(', ')}] extends past the screen, which is ${width}x${height}; ` +
            `use x from 0 to ${width} and y from 0 to ${height}.`,
        );
      }
      const region: Rect = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
      try {
        imageRectToScreen(region, geometry);
      } catch (error) {
        if (error instanceof OutsideScreenError) throw new ModelFixableActionError(error.message, { cause: error });
        throw error;
      }
      return Object.freeze({ image: Object.freeze(await capture.zoom(region, geometry)) });
    }
    default: {
      const unknown: never = action;
      throw new Error(`Unhandled computer action ${JSON.stringify(unknown)}`);
    }
  }
}
