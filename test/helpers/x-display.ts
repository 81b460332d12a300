/**
 * Real X displays for integration tests: a private Xvfb with openbox as window manager, plus
 * small helpers to launch applications on it and drive it with xdotool.
 *
 * nut-js opens the display named by process.env.DISPLAY when it first touches the screen, so a
 * test sets `process.env.DISPLAY = display` BEFORE it imports the nut adapter (dynamic import).
 * Needs the Debian packages xvfb, openbox, xdotool and x11-utils.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface XDisplay {
  /** e.g. ":93" */
  display: string;
  /** process.env with DISPLAY set, for child processes. */
  env: NodeJS.ProcessEnv;
  /** Stops the window manager and the X server started for this display, and nothing else. */
  stop(): Promise<void>;
}

export interface StartXDisplayOptions {
  width: number;
  height: number;
  /** Colour depth in bits; 24 unless given. */
  depth?: number;
  /**
   * Start openbox (default true). Without a window manager windows sit exactly where asked,
   * undecorated, and the keyboard focus follows the pointer.
   */
  windowManager?: boolean;
  /** Start on exactly this display number (to restart a server where it was), instead of the first free one from :90. */
  number?: number;
  /** Also accept connections over TCP (port 6000 + number), to play a display that is not a local socket. */
  tcp?: boolean;
}

const FIRST_DISPLAY = 90;
const LAST_DISPLAY = 190;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Sends SIGTERM, then SIGKILL if the process is still there after `graceMs`. */
async function terminate(child: ChildProcess, graceMs = 2000): Promise<void> {
  if (exited(child)) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}

async function succeeds(file: string, args: string[], env?: NodeJS.ProcessEnv): Promise<boolean> {
  try {
    await run(file, args, { env, timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/** Polls `check` until it is true; fails after `timeoutMs` or as soon as `abort` says so. */
async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  abort: () => string | undefined = () => undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = abort();
    if (reason) throw new Error(`${what}: ${reason}`);
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what}: timed out after ${timeoutMs} ms`);
    await sleep(50);
  }
}

async function windowManagerRunning(display: string): Promise<boolean> {
  try {
    const { stdout } = await run('xprop', ['-root', '-display', display, '_NET_SUPPORTING_WM_CHECK'], { timeout: 5000 });
    return /window id/.test(stdout);
  } catch {
    return false;
  }
}

function displayInUse(n: number): boolean {
  return existsSync(`/tmp/.X${n}-lock`) || existsSync(`/tmp/.X11-unix/X${n}`);
}

async function startXvfb(n: number, options: StartXDisplayOptions): Promise<ChildProcess | undefined> {
  const display = `:${n}`;
  const screen = `${options.width}x${options.height}x${options.depth ?? 24}`;
  const xvfb = spawn('Xvfb', [display, '-screen', '0', screen, ...(options.tcp ? ['-listen', 'tcp'] : ['-nolisten', 'tcp']), '-noreset'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  xvfb.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let spawnError: Error | undefined;
  xvfb.once('error', (error) => (spawnError = error));
  try {
    await waitUntil(
      `Xvfb ${display}`,
      () => succeeds('xdpyinfo', ['-display', display]),
      10_000,
      () => spawnError?.message ?? (exited(xvfb) ? `exited: ${stderr.trim()}` : undefined),
    );
    return xvfb;
  } catch (error) {
    await terminate(xvfb);
    // Another server took the number between our check and our start: try the next one.
    if (/already active|server is already|Cannot establish any listening sockets/i.test(stderr)) return undefined;
    throw error;
  }
}

/**
 * Starts Xvfb on the first free display number from :90 up, waits until it accepts
 * connections, then starts openbox on it and waits until openbox manages the screen.
 */
export async function startXDisplay(options: StartXDisplayOptions): Promise<XDisplay> {
  for (let n = options.number ?? FIRST_DISPLAY; n <= (options.number ?? LAST_DISPLAY); n++) {
    if (displayInUse(n)) continue;
    const xvfb = await startXvfb(n, options);
    if (!xvfb) continue;
    const display = `:${n}`;
    const env: NodeJS.ProcessEnv = { ...process.env, DISPLAY: display };
    if (options.windowManager === false) return { display, env, stop: () => terminate(xvfb) };
    const openbox = spawn('openbox', ['--sm-disable'], { env, stdio: 'ignore' });
    const stop = async () => {
      await terminate(openbox);
      await terminate(xvfb);
    };
    try {
      await waitUntil(
        `openbox on ${display}`,
        () => windowManagerRunning(display),
        10_000,
        () => (exited(openbox) ? 'openbox exited' : undefined),
      );
    } catch (error) {
      await stop();
      throw error;
    }
    return { display, env, stop };
  }
  if (options.number !== undefined) throw new Error(`X display :${options.number} is in use`);
  throw new Error(`No free X display number between :${FIRST_DISPLAY} and :${LAST_DISPLAY}`);
}

/** The centre of the window whose title matches `titlePattern`, in screen pixels (not rounded), as xdotool reports it from outside. */
export async function windowCentre(display: string, titlePattern: string): Promise<{ x: number; y: number }> {
  const geometry = await xdotool(display, 'search', '--name', titlePattern, 'getwindowgeometry', '--shell');
  const value = (key: string) => Number(new RegExp(`${key}=(\\d+)`).exec(geometry)![1]);
  return { x: value('X') + value('WIDTH') / 2, y: value('Y') + value('HEIGHT') / 2 };
}

/** Runs xdotool on `display` and returns its trimmed standard output. */
export async function xdotool(display: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('xdotool', args, { env: { ...process.env, DISPLAY: display }, timeout: 10_000 });
  return stdout.trim();
}

/**
 * The processes that drive `display` with xdotool right now (their command line names it, and
 * their environment points DISPLAY at this display), read from /proc from outside whoever started
 * them: a worker's typing, its release of held keys, or an orphan one left behind.
 */
export async function xdotoolProcessesOn(display: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const [commandLine, environment] = await Promise.all([readFile(`/proc/${entry}/cmdline`), readFile(`/proc/${entry}/environ`)]);
      if (commandLine.includes('xdotool') && environment.toString('utf8').split('\0').includes(`DISPLAY=${display}`)) found.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

/**
 * Types a line of its own into the focused terminal that writes what is typed into it to `file`
 * (`cat > file`), waits until it is there, and returns what came before it. The X server delivers
 * input in order, so every key pressed before the marker has reached the file by then.
 */
export async function flushTerminal(display: string, file: string): Promise<string> {
  const marker = `flushed-${randomUUID().slice(0, 8)}`;
  const written = () => readFile(file, 'utf8').catch(() => '');
  await xdotool(display, 'type', `\n${marker}\n`);
  await waitUntil(`the marker line in ${file}`, async () => (await written()).includes(marker), 10_000);
  const text = await written();
  return text.slice(0, text.indexOf(`\n${marker}`));
}

export interface LaunchedApp {
  child: ChildProcess;
  /** Terminates the application (SIGTERM, then SIGKILL) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts an X application on `display`. Its output is discarded; `env` adds variables. */
export function launchApp(
  display: string,
  command: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
): LaunchedApp {
  const child = spawn(command, args, { env: { ...process.env, ...env, DISPLAY: display }, stdio: 'ignore' });
  child.once('error', () => {});
  return { child, stop: () => terminate(child) };
}

/**
 * Waits until a window whose title matches `titlePattern` is mapped and returns its id.
 * `titlePattern` is a regular expression as xdotool understands it (POSIX extended).
 */
export async function waitForWindow(display: string, titlePattern: string, timeoutMs = 10_000): Promise<string> {
  let id = '';
  await waitUntil(`window "${titlePattern}" on ${display}`, async () => {
    try {
      id = (await xdotool(display, 'search', '--onlyvisible', '--name', titlePattern)).split('\n')[0] ?? '';
    } catch {
      id = '';
    }
    return id !== '';
  }, timeoutMs);
  return id;
}

/** Gives `windowId` the keyboard focus and waits until it has it. */
export async function focusWindow(display: string, windowId: string): Promise<void> {
  await xdotool(display, 'windowactivate', '--sync', windowId);
  await waitUntil(`focus on window ${windowId}`, async () => (await xdotool(display, 'getwindowfocus')) === windowId, 15_000);
}

export interface TypingRecorder {
  /** The file every byte the terminal receives from the keyboard is appended to (markers included). */
  file: string;
  /** The window id of the recording terminal. */
  windowId: string;
  /** Everything recorded so far, as UTF-8 text, without the markers {@link settled} types. */
  read(): Promise<string>;
  /**
   * Everything typed so far, once it has all arrived: gives the recorder the keyboard focus,
   * presses a marker key (Ctrl+G, recorded as BEL and left out of `read`) and waits for it. The X
   * server delivers input in order, so whatever was typed before the marker is in by then.
   */
  settled(): Promise<string>;
  /**
   * Waits until at least `bytes` bytes are recorded, then (unless `settle` is false, for typing
   * that is still going on) for everything typed until then, as {@link settled} does.
   */
  waitForBytes(bytes: number, timeoutMs?: number, settle?: boolean): Promise<string>;
  stop(): Promise<void>;
}

/** What Ctrl+G types into the recording terminal: BEL, which no test types itself. */
const MARKER = '\u0007';

/**
 * Opens a focused UTF-8 xterm that appends every byte typed into it to a file, for checking
 * typed text from outside the code under test. The terminal is in non-canonical mode without
 * echo or signal keys, so printable text arrives untouched, Return arrives as "\n" and no line
 * length limit applies.
 */
export async function startTypingRecorder(display: string): Promise<TypingRecorder> {
  const { mkdtemp, readFile, rm, stat } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const directory = await mkdtemp(path.join(tmpdir(), 'typing-recorder-'));
  const file = path.join(directory, 'typed.txt');
  const title = `typing-recorder-${path.basename(directory)}`;
  const app = launchApp(
    display,
    'xterm',
    ['-u8', '-title', title, '-geometry', '100x30+0+0', '-e', 'sh', '-c',
      'stty -icanon -echo -ixon -isig -iexten; exec cat > "$0"', file],
    { LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
  );
  const windowId = await waitForWindow(display, `^${title}$`);
  await focusWindow(display, windowId);
  await waitUntil('recording file', async () => (await stat(file).catch(() => undefined)) !== undefined, 5000);
  const recorded = async () => (await readFile(file)).toString('utf8');
  const markers = (text: string) => text.split(MARKER).length - 1;
  const read = async () => (await recorded()).replaceAll(MARKER, '');
  const settled = async () => {
    const before = markers(await recorded());
    await focusWindow(display, windowId);
    await xdotool(display, 'key', 'ctrl+g');
    await waitUntil('the typing recorder\'s marker', async () => markers(await recorded()) > before, 10_000);
    return read();
  };
  return {
    file,
    windowId,
    read,
    settled,
    async waitForBytes(bytes, timeoutMs = 10_000, settle = true) {
      await waitUntil(`${bytes} typed bytes`, async () => Buffer.byteLength(await read()) >= bytes, timeoutMs);
      return settle ? settled() : read();
    },
    async stop() {
      await app.stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** One X event as xev printed it. */
export interface XevEvent {
  type: string;
  /** Server time in ms. */
  time: number;
  /** Pointer position in root (screen) coordinates. */
  root: { x: number; y: number };
  /** Modifier and button mask: 0x1 shift, 0x4 control, 0x8 alt (mod1), 0x40 super (mod4). */
  state: number;
  button?: number;
  keysym?: string;
  /** What XLookupString made of a key event. */
  string?: string;
}

export interface XevRecorder {
  windowId: string;
  /** Events recorded so far, oldest first. */
  events(): XevEvent[];
  /** Forgets the events recorded so far. */
  clear(): void;
  /** Waits until `predicate` holds for the recorded events, then returns them. */
  waitFor(predicate: (events: XevEvent[]) => boolean, timeoutMs?: number): Promise<XevEvent[]>;
  stop(): Promise<void>;
}

function parseXevBlock(block: string): XevEvent | undefined {
  const type = /^(\w+) event,/.exec(block.trim())?.[1];
  const root = /root:\((-?\d+),(-?\d+)\)/.exec(block);
  if (!type || !root) return undefined;
  const event: XevEvent = {
    type,
    time: Number(/time (\d+)/.exec(block)?.[1] ?? 0),
    root: { x: Number(root[1]), y: Number(root[2]) },
    state: Number.parseInt(/state (0x[0-9a-f]+)/.exec(block)?.[1] ?? '0', 16),
  };
  const button = /button (\d+)/.exec(block)?.[1];
  if (button) event.button = Number(button);
  const keysym = /keysym 0x[0-9a-f]+, (\w+)\)/.exec(block)?.[1];
  if (keysym) event.keysym = keysym;
  const string = /XLookupString gives \d+ bytes: (?:\(.*?\) )?"(.*)"/.exec(block)?.[1];
  if (string !== undefined) event.string = string;
  return event;
}

/**
 * Runs xev in a window of the given geometry and records its pointer, button and key events
 * (with root coordinates and modifier state), to check input from outside the code under test.
 */
export async function startXev(
  display: string,
  geometry: { x: number; y: number; width: number; height: number },
): Promise<XevRecorder> {
  const title = `xev-recorder-${process.pid}-${Date.now()}`;
  const child = spawn(
    'stdbuf',
    ['-oL', 'xev', '-name', title, '-geometry', `${geometry.width}x${geometry.height}+${geometry.x}+${geometry.y}`,
      '-event', 'keyboard', '-event', 'button', '-event', 'mouse'],
    { env: { ...process.env, DISPLAY: display }, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  let recorded: XevEvent[] = [];
  let pending = '';
  // xev starts each event with a blank line, so a block is known complete when the next one
  // starts, or when its last line (XFilterEvent for keys, same_screen for the pointer) is in.
  const complete = (block: string) => (/^\s*Key/.test(block) ? /XFilterEvent/.test(block) : /same_screen/.test(block));
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const blocks = pending.split(/\n(?=\w+ event,)/);
    pending = blocks.pop() ?? '';
    if (complete(pending)) {
      blocks.push(pending);
      pending = '';
    }
    for (const block of blocks) {
      const event = parseXevBlock(block);
      if (event) recorded.push(event);
    }
  });
  const windowId = await waitForWindow(display, `^${title}$`);
  return {
    windowId,
    events: () => [...recorded],
    clear: () => {
      recorded = [];
    },
    async waitFor(predicate, timeoutMs = 15_000) {
      await waitUntil('xev events', async () => predicate(recorded), timeoutMs);
      return [...recorded];
    },
    stop: () => terminate(child),
  };
}
