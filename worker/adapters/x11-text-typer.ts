import { runX11Helper } from './x11-helper-process.js';

/** Enters text into whatever window has the keyboard focus, exactly as given. */
export interface TextTyper {
  type(text: string): Promise<void>;
}

export interface X11TextTyperOptions {
  /** Environment of the helper processes; its DISPLAY chooses the X display. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Pause between keystrokes, in ms. 0 is exact in xterm once every symbol has a key. */
  delayMs?: number;
  /**
   * How long after typing a used key binding may be changed, so a busy client (xterm loading a
   * CJK font) has read its key events before the key means something else. Only text with more
   * distinct unusual characters than there are unused keycodes (about 36 on Xvfb) waits for it.
   */
  settleMs?: number;
  /** After this long without typing, the borrowed keycodes are cleared again. */
  idleRestoreMs?: number;
}

/** Printable ASCII from "!" to "~", by X keysym name, to tell what the keymap already types. */
const ASCII_KEYSYM_NAMES = (
  'exclam quotedbl numbersign dollar percent ampersand apostrophe parenleft parenright asterisk plus ' +
  'comma minus period slash 0 1 2 3 4 5 6 7 8 9 colon semicolon less equal greater question at ' +
  'A B C D E F G H I J K L M N O P Q R S T U V W X Y Z bracketleft backslash bracketright ' +
  'asciicircum underscore grave a b c d e f g h i j k l m n o p q r s t u v w x y z braceleft bar ' +
  'braceright asciitilde'
).split(' ');
const ASCII_BY_KEYSYM = new Map(ASCII_KEYSYM_NAMES.map((name, i) => [name, String.fromCharCode(33 + i)]));
ASCII_BY_KEYSYM.set('space', ' ');

/**
 * Characters per `xdotool type` call. Small, so a call ends within a second or so at any pace: a
 * call still running when its worker dies ends at most this much typing, and one cut short by its
 * timeout leaves little half-typed.
 */
const CHUNK_LIMIT = 50;
/** Keycodes below this are left alone; keycode 8 has special meaning to some XKB setups. */
const FIRST_BORROWABLE_KEYCODE = 9;

interface Keymap {
  /** Keycodes with no keysym at all. */
  empty: number[];
  /** The keysym names of each keycode, as xmodmap prints them. */
  symbols: Map<number, string[]>;
}

function parseKeymap(output: string): Keymap {
  const keymap: Keymap = { empty: [], symbols: new Map() };
  for (const line of output.split('\n')) {
    const match = /^keycode\s+(\d+)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    const keycode = Number(match[1]);
    const names = match[2]!.trim().split(/\s+/).filter((name) => name !== '');
    keymap.symbols.set(keycode, names);
    if (names.length === 0) keymap.empty.push(keycode);
  }
  return keymap;
}

/** Characters the layout's own keys type with no modifier or with shift. */
function directChars(keymap: Keymap, borrowed: ReadonlyMap<number, unknown>): Set<string> {
  const direct = new Set(['\n', '\t']);
  for (const [keycode, names] of keymap.symbols) {
    if (borrowed.has(keycode)) continue;
    for (const name of names.slice(0, 2)) {
      const char = ASCII_BY_KEYSYM.get(name);
      if (char !== undefined) direct.add(char);
    }
  }
  return direct;
}

function keysymFor(char: string): string {
  return `U${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Types text on X11 with `xdotool type`, after giving every character the keymap lacks a key of
 * its own.
 *
 * Why not nut-js: its `keyboard.type` lost or unshifted 18 of the 95 printable ASCII characters
 * and dropped accents. Why not plain `xdotool type`: it binds a missing symbol to a scratch key
 * per character and unbinds it at once, so at speed the target window looks the key up after it
 * was unbound and the character vanishes; and it binds one case of accented capitals, so "À"
 * arrives as "à". Here the missing characters (accents, CJK, emoji, ASCII the layout lacks) are
 * bound in batches to keycodes no key uses, a lower- and upper-level symbol per keycode, before
 * xdotool starts; xdotool then finds them all in the keymap and types at full speed. A binding is
 * only changed once clients had time to read it, and all are cleared after a quiet period. Text
 * goes out 50 characters per xdotool call, and the helpers die with the worker, so a crashed
 * worker cannot leave an orphan typing on into the person's windows.
 * Needs the `xdotool` and `xmodmap` programs (Debian: xdotool, x11-xserver-utils).
 */
export function createX11TextTyper(options: X11TextTyperOptions = {}): TextTyper {
  const env = options.env ?? process.env;
  const delayMs = options.delayMs ?? 0;
  const settleMs = options.settleMs ?? 300;
  const idleRestoreMs = options.idleRestoreMs ?? 2000;

  /** Keycodes we borrowed, with the two characters each one types (plain, shifted). */
  const borrowed = new Map<number, [string, string]>();
  let lastTypedAt = 0;
  let queue: Promise<unknown> = Promise.resolve();
  let restoreTimer: NodeJS.Timeout | undefined;

  const tool = (file: string, args: string[], timeoutMs: number): Promise<string> => runX11Helper(file, args, { env, timeoutMs });

  const settle = async (): Promise<void> => {
    const wait = lastTypedAt + settleMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  };

  const remap = async (changes: Map<number, string[]>, rebindsUsedKeys: boolean): Promise<void> => {
    if (changes.size === 0) return;
    if (rebindsUsedKeys) await settle();
    const expressions = [...changes].flatMap(([keycode, symbols]) => ['-e', `keycode ${keycode} = ${symbols.join(' ')}`]);
    await tool('xmodmap', expressions, 10_000);
  };

  /** Forgets borrowed keycodes that someone else (a layout switch) has rebound meanwhile. */
  const reconcile = (keymap: Keymap): void => {
    for (const [keycode, [plain, shifted]] of borrowed) {
      const names = keymap.symbols.get(keycode) ?? [];
      const ours = names.length >= 2 && printedCouldBe(names[0]!, plain) && printedCouldBe(names[1]!, shifted);
      if (!ours) borrowed.delete(keycode);
    }
  };

  const typeChunk = async (chunk: string): Promise<void> => {
    const timeoutMs = 10_000 + [...chunk].length * (delayMs + 20);
    await tool('xdotool', ['type', '--clearmodifiers', '--delay', String(delayMs), '--', chunk], timeoutMs);
    lastTypedAt = Date.now();
  };

  const typeNow = async (text: string): Promise<void> => {
    const keymap = parseKeymap(await tool('xmodmap', ['-pke'], 10_000));
    reconcile(keymap);
    const direct = directChars(keymap, borrowed);
    const free = keymap.empty.filter((keycode) => keycode >= FIRST_BORROWABLE_KEYCODE && !borrowed.has(keycode));
    // Leave one empty keycode for xdotool's own scratch binding.
    const capacity = 2 * (borrowed.size + Math.max(0, free.length - 1));
    const chars = [...text];
    if (capacity === 0 && chars.some((char) => !direct.has(char))) {
      throw new Error('The X keymap has no unused keycode to bind symbols to, so this text cannot be typed exactly');
    }

    let start = 0;
    while (start < chars.length) {
      const needed = new Set<string>();
      let end = start;
      while (end < chars.length && end - start < CHUNK_LIMIT) {
        const char = chars[end]!;
        if (!direct.has(char) && !needed.has(char)) {
          if (needed.size === capacity) break;
          needed.add(char);
        }
        end++;
      }
      await bind(needed, free);
      await typeChunk(chars.slice(start, end).join(''));
      start = end;
    }
  };

  /** Gives every character in `needed` a slot, changing as few keycodes as possible. */
  const bind = async (needed: Set<string>, free: number[]): Promise<void> => {
    const placed = new Set<string>();
    for (const pair of borrowed.values()) for (const char of pair) if (needed.has(char)) placed.add(char);
    const missing = [...needed].filter((char) => !placed.has(char));
    if (missing.length === 0) return;

    const slots: Array<{ keycode: number; level: 0 | 1 }> = [];
    for (const [keycode, pair] of borrowed) {
      if (pair[0] === pair[1] && needed.has(pair[0])) slots.push({ keycode, level: 1 });
      else for (const level of [0, 1] as const) if (!needed.has(pair[level])) slots.push({ keycode, level });
    }
    while (slots.length < missing.length && free.length > 1) {
      const keycode = free.shift()!;
      slots.push({ keycode, level: 0 }, { keycode, level: 1 });
    }

    const changes = new Map<number, [string, string]>();
    let rebindsUsedKeys = false;
    missing.forEach((char, i) => {
      const { keycode, level } = slots[i]!;
      rebindsUsedKeys ||= borrowed.has(keycode);
      const pair = borrowed.get(keycode) ?? [char, char];
      pair[level] = char;
      borrowed.set(keycode, pair);
      changes.set(keycode, pair);
    });
    await remap(new Map([...changes].map(([keycode, pair]) => [keycode, pair.map(keysymFor)])), rebindsUsedKeys);
  };

  const restore = async (): Promise<void> => {
    if (borrowed.size === 0) return;
    const cleared = new Map([...borrowed.keys()].map((keycode): [number, string[]] => [keycode, []]));
    borrowed.clear();
    await remap(cleared, true);
  };

  const scheduleRestore = (): void => {
    clearTimeout(restoreTimer);
    restoreTimer = setTimeout(() => {
      queue = queue.then(restore).catch(() => {});
    }, idleRestoreMs);
    restoreTimer.unref();
  };

  return {
    type(text: string): Promise<void> {
      clearTimeout(restoreTimer);
      const normalized = text.replace(/\r\n?/g, '\n');
      const typing = queue.then(() => typeNow(normalized));
      queue = typing.catch(() => {});
      return typing.finally(scheduleRestore);
    },
  };
}

/**
 * Whether xmodmap's printed name for a keysym can be the one bound for `char`: "U65E5" style
 * names must match exactly; named keysyms (U+00E9 prints as "eacute") are taken on trust rather
 * than carrying the whole keysym table.
 */
function printedCouldBe(printed: string, char: string): boolean {
  const unicode = /^U([0-9A-F]+)$/i.exec(printed);
  if (unicode) return Number.parseInt(unicode[1]!, 16) === char.codePointAt(0);
  return printed !== 'NoSymbol' && !printed.startsWith('0x');
}
