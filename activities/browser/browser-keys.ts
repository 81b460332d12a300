import { ToolError } from '@anthropic-ai/sdk/helpers/beta/toolsets';
import { KeyNameError, parseKeyChord, parseKeySequence, type KeyName } from '../input/key-names.js';

/** A chord as Playwright presses it: key codes of a US layout (`ControlLeft`, `KeyA`), held in order. */
export type PageChord = readonly string[];

const PUNCTUATION_CODES: Partial<Record<KeyName, string>> = {
  grave: 'Backquote', minus: 'Minus', equal: 'Equal', bracketleft: 'BracketLeft', bracketright: 'BracketRight',
  backslash: 'Backslash', semicolon: 'Semicolon', apostrophe: 'Quote', comma: 'Comma', period: 'Period', slash: 'Slash',
  space: 'Space',
};

const NAMED_CODES: Partial<Record<KeyName, string>> = {
  Return: 'Enter', Tab: 'Tab', BackSpace: 'Backspace', Escape: 'Escape', Delete: 'Delete', Insert: 'Insert',
  Home: 'Home', End: 'End', Page_Up: 'PageUp', Page_Down: 'PageDown',
  Up: 'ArrowUp', Down: 'ArrowDown', Left: 'ArrowLeft', Right: 'ArrowRight',
  Shift_L: 'ShiftLeft', Shift_R: 'ShiftRight', Control_L: 'ControlLeft', Control_R: 'ControlRight',
  Alt_L: 'AltLeft', Alt_R: 'AltRight', Super_L: 'MetaLeft', Super_R: 'MetaRight',
  Caps_Lock: 'CapsLock', Num_Lock: 'NumLock', Scroll_Lock: 'ScrollLock',
  KP_Enter: 'NumpadEnter', KP_Add: 'NumpadAdd', KP_Subtract: 'NumpadSubtract', KP_Multiply: 'NumpadMultiply',
  KP_Divide: 'NumpadDivide', KP_Decimal: 'NumpadDecimal', KP_Equal: 'Equal',
  XF86AudioMute: 'AudioVolumeMute', XF86AudioLowerVolume: 'AudioVolumeDown', XF86AudioRaiseVolume: 'AudioVolumeUp',
  XF86AudioPlay: 'MediaPlayPause', XF86AudioPrev: 'MediaTrackPrevious', XF86AudioNext: 'MediaTrackNext',
};

/** The Playwright key code of one canonical key, or undefined for a key a page cannot receive. */
function codeOf(key: KeyName): string | undefined {
  if (/^[a-z]$/.test(key)) return `Key${key.toUpperCase()}`;
  if (/^[0-9]$/.test(key)) return `Digit${key}`;
  if (/^F([1-9]|1[0-2])$/.test(key)) return key;
  if (/^KP_[0-9]$/.test(key)) return `Numpad${key.slice(3)}`;
  return PUNCTUATION_CODES[key] ?? NAMED_CODES[key];
}

function toPageChord(keys: readonly KeyName[], written: string): PageChord {
  return keys.map((key) => {
    const code = codeOf(key);
    if (code === undefined) throw new ToolError(`The key "${key}" in "${written}" cannot be sent to a web page.`);
    return code;
  });
}

function modelFixable<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof KeyNameError) throw new ToolError(error.message.replace('use the type action', 'use the type member'));
    throw error;
  }
}

/**
 * What the `key` and `hold_key` members send, read with the same xdotool-style names as the
 * computer toolset ("ctrl+a", "Return", "shift+Tab", "Page_Down"), so a model uses one
 * vocabulary for both; a name that does not exist is the model's to fix.
 */
export function pageKeySequence(text: string): PageChord[] {
  return modelFixable(() => parseKeySequence(text)).map((chord) => toPageChord(chord, text));
}

/** One chord, for `hold_key`. */
export function pageKeyChord(text: string): PageChord {
  return toPageChord(modelFixable(() => parseKeyChord(text.trim())), text);
}

/**
 * The modifiers a click or scroll holds ("shift", "ctrl+shift", "cmd+alt"), as Playwright's
 * modifier names. Anything but a modifier key is refused: the model meant the `key` member.
 */
export function pageModifiers(text: string | undefined): Array<'Alt' | 'Control' | 'Meta' | 'Shift'> {
  if (text === undefined || text.trim() === '') return [];
  const keys = modelFixable(() => parseKeyChord(text.trim()));
  return keys.map((key) => {
    if (key.startsWith('Shift')) return 'Shift';
    if (key.startsWith('Control')) return 'Control';
    if (key.startsWith('Alt')) return 'Alt';
    if (key.startsWith('Super')) return 'Meta';
    throw new ToolError(`"${text}" holds "${key}", which is not a modifier: use shift, ctrl, alt or cmd, joined with "+".`);
  });
}
