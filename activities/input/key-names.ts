/**
 * Key names as the model writes them (xdotool style: "ctrl+s", "Return", "shift+Tab", "KP_Enter")
 * parsed into the physical keys of a US keyboard. A symbol that needs shift ("plus", "A", "!")
 * becomes shift plus its base key, so every adapter only has to know unshifted keys.
 */

/**
 * The canonical keys: X keysym names of the unshifted keys on a US keyboard. Only keys every
 * common X keymap has are listed, because pressing a key the keymap lacks aborts the X client.
 */
export const KEY_NAMES = [
  ...'abcdefghijklmnopqrstuvwxyz0123456789',
  'grave', 'minus', 'equal', 'bracketleft', 'bracketright', 'backslash', 'semicolon', 'apostrophe',
  'comma', 'period', 'slash', 'space',
  'Return', 'Tab', 'BackSpace', 'Escape', 'Delete', 'Insert', 'Home', 'End', 'Page_Up', 'Page_Down',
  'Up', 'Down', 'Left', 'Right',
  'F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8', 'F9', 'F10', 'F11', 'F12',
  'Shift_L', 'Shift_R', 'Control_L', 'Control_R', 'Alt_L', 'Alt_R', 'Super_L', 'Super_R',
  'Caps_Lock', 'Num_Lock', 'Scroll_Lock',
  'KP_0', 'KP_1', 'KP_2', 'KP_3', 'KP_4', 'KP_5', 'KP_6', 'KP_7', 'KP_8', 'KP_9',
  'KP_Enter', 'KP_Add', 'KP_Subtract', 'KP_Multiply', 'KP_Divide', 'KP_Decimal', 'KP_Equal',
  'XF86AudioMute', 'XF86AudioLowerVolume', 'XF86AudioRaiseVolume', 'XF86AudioPlay', 'XF86AudioStop',
  'XF86AudioPrev', 'XF86AudioNext',
] as const;

export type KeyName = (typeof KEY_NAMES)[number];

/** Keys pressed together, in press order (released in reverse). */
export type KeyChord = readonly KeyName[];

/** The model named a key that does not exist; the message says what valid names look like. */
export class KeyNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyNameError';
  }
}

const SHIFTED_PUNCTUATION: Record<string, KeyName> = {
  '~': 'grave', '!': '1', '@': '2', '#': '3', '$': '4', '%': '5', '^': '6', '&': '7', '*': '8',
  '(': '9', ')': '0', _: 'minus', '+': 'equal', '{': 'bracketleft', '}': 'bracketright',
  '|': 'backslash', ':': 'semicolon', '"': 'apostrophe', '<': 'comma', '>': 'period', '?': 'slash',
};

const UNSHIFTED_PUNCTUATION: Record<string, KeyName> = {
  '`': 'grave', '-': 'minus', '=': 'equal', '[': 'bracketleft', ']': 'bracketright',
  '\\': 'backslash', ';': 'semicolon', "'": 'apostrophe', ',': 'comma', '.': 'period', '/': 'slash',
  ' ': 'space',
};

/** X keysym names of the printable ASCII symbols, so "exclam" and "!" mean the same. */
const SYMBOL_NAMES: Record<string, string> = {
  exclam: '!', at: '@', numbersign: '#', dollar: '$', percent: '%', asciicircum: '^',
  ampersand: '&', asterisk: '*', parenleft: '(', parenright: ')', underscore: '_', plus: '+',
  braceleft: '{', braceright: '}', bar: '|', colon: ':', quotedbl: '"', less: '<', greater: '>',
  question: '?', asciitilde: '~', quoteleft: '`', quoteright: "'",
};

const ALIASES: Record<string, KeyName> = {
  enter: 'Return', ret: 'Return', esc: 'Escape', backspace: 'BackSpace', bksp: 'BackSpace',
  del: 'Delete', ins: 'Insert', pageup: 'Page_Up', pgup: 'Page_Up', prior: 'Page_Up',
  pagedown: 'Page_Down', pgdn: 'Page_Down', next: 'Page_Down', spacebar: 'space',
  arrowup: 'Up', arrowdown: 'Down', arrowleft: 'Left', arrowright: 'Right',
  shift: 'Shift_L', lshift: 'Shift_L', rshift: 'Shift_R',
  ctrl: 'Control_L', control: 'Control_L', ctl: 'Control_L', lctrl: 'Control_L', ctrl_l: 'Control_L',
  rctrl: 'Control_R', ctrl_r: 'Control_R',
  alt: 'Alt_L', option: 'Alt_L', opt: 'Alt_L', lalt: 'Alt_L', ralt: 'Alt_R', altgr: 'Alt_R',
  super: 'Super_L', cmd: 'Super_L', command: 'Super_L', meta: 'Super_L', meta_l: 'Super_L',
  win: 'Super_L', windows: 'Super_L', logo: 'Super_L', meta_r: 'Super_R', win_r: 'Super_R',
  capslock: 'Caps_Lock', numlock: 'Num_Lock', scrolllock: 'Scroll_Lock',
  kp_plus: 'KP_Add', kp_minus: 'KP_Subtract', kp_enter: 'KP_Enter',
  volumemute: 'XF86AudioMute', volumedown: 'XF86AudioLowerVolume', volumeup: 'XF86AudioRaiseVolume',
};

/** Every accepted multi-character name, lower-cased, to the keys it stands for. */
const NAMED = new Map<string, KeyChord>();
for (const key of KEY_NAMES) if (key.length > 1) NAMED.set(key.toLowerCase(), [key]);
for (const [alias, key] of Object.entries(ALIASES)) NAMED.set(alias, [key]);
for (const [name, char] of Object.entries(SYMBOL_NAMES)) NAMED.set(name, charToKeys(char)!);

function charToKeys(char: string): KeyChord | undefined {
  if (/^[a-z0-9]$/.test(char)) return [char as KeyName];
  if (/^[A-Z]$/.test(char)) return ['Shift_L', char.toLowerCase() as KeyName];
  const unshifted = UNSHIFTED_PUNCTUATION[char];
  if (unshifted) return [unshifted];
  const shifted = SHIFTED_PUNCTUATION[char];
  if (shifted) return ['Shift_L', shifted];
  return undefined;
}

const EXAMPLES =
  'Use xdotool key names joined with "+", for example "ctrl+s", "Return", "shift+Tab", "alt+F4", ' +
  '"ctrl+shift+t", "Page_Down", "KP_Enter", "BackSpace", "Escape", "super", "plus"; single ' +
  'characters such as "a", "A", "1" or "/" work too. To enter text, use the type action instead.';

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}

function suggestionFor(name: string): string {
  const lower = name.toLowerCase();
  const close = [...NAMED.keys()]
    .map((candidate) => ({ candidate, distance: editDistance(lower, candidate) }))
    .filter(({ distance }) => distance <= Math.max(1, Math.floor(lower.length / 3)))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, 3)
    .map(({ candidate }) => `"${candidate}"`);
  return close.length > 0 ? ` Did you mean ${close.join(' or ')}?` : '';
}

function resolveName(name: string, whole: string): KeyChord {
  if ([...name].length === 1) {
    const keys = charToKeys(name);
    if (keys) return keys;
    throw new KeyNameError(
      `"${name}" in "${whole}" is not a key on the keyboard. To enter characters like this one, use the type action. ${EXAMPLES}`,
    );
  }
  const keys = NAMED.get(name.toLowerCase());
  if (keys) return keys;
  throw new KeyNameError(`Unknown key name "${name}" in "${whole}".${suggestionFor(name)} ${EXAMPLES}`);
}

function splitChord(chord: string): string[] {
  if (chord === '+') return ['+'];
  if (chord.endsWith('++')) return [...chord.slice(0, -2).split('+'), '+'];
  return chord.split('+');
}

/**
 * Parses one chord such as "ctrl+shift+t" into the keys to hold, modifiers first as written.
 * A key that appears twice (as in "shift+A") is pressed once.
 */
export function parseKeyChord(chord: string): KeyChord {
  const names = splitChord(chord);
  if (names.some((name) => name === '')) {
    throw new KeyNameError(`"${chord}" has an empty key name between "+" signs. ${EXAMPLES}`);
  }
  const keys: KeyName[] = [];
  for (const name of names) {
    for (const key of resolveName(name, chord)) if (!keys.includes(key)) keys.push(key);
  }
  return keys;
}

/**
 * Parses what the model sent to the key action: one chord, or several separated by spaces
 * ("ctrl+a Delete"), pressed one after another as `xdotool key` would.
 */
export function parseKeySequence(text: string): KeyChord[] {
  const chords = text.trim().split(/\s+/).filter((chord) => chord !== '');
  if (chords.length === 0) throw new KeyNameError(`No key given. ${EXAMPLES}`);
  return chords.map(parseKeyChord);
}
