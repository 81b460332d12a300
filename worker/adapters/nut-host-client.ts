import type { ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { MouseButton, Point, RawScreenImage, Rect, ScrollDirection, Size } from '../../activities/ports.js';
import { DisplayUnavailableError } from '../../activities/screen/screenshot-activity.js';
import { spawnTied } from '../../common/spawn-tied.js';

/** One request to the nut-js host process. */
export type NutRequest =
  | { op: 'moveMouse'; to: Point }
  | { op: 'mousePosition' }
  | { op: 'toggleButton'; button: MouseButton; down: boolean }
  | { op: 'click'; button: MouseButton; count: number }
  | { op: 'scroll'; direction: ScrollDirection; amount: number }
  | { op: 'toggleKey'; key: string; down: boolean }
  | { op: 'grab'; region?: Rect }
  | { op: 'logicalSize' };

/** What each request answers. */
export interface NutAnswers {
  moveMouse: void;
  mousePosition: Point;
  toggleButton: void;
  click: void;
  scroll: void;
  toggleKey: void;
  grab: RawScreenImage;
  logicalSize: Size;
}

/** The host's messages: `ready` once, then one reply per request id. */
export type NutHostMessage = { ready: true } | { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string };

/** Calls into nut-js, which runs in a child process of its own. */
export interface NutHost {
  call<R extends NutRequest>(request: R): Promise<NutAnswers[R['op']]>;
}

const HOST_ENTRY = fileURLToPath(new URL('./nut-host.ts', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** Longer than any single nut-js call takes on a live display, a 4K screen grab included. */
const CALL_TIMEOUT_MS = 30_000;
/** What Xlib and libnut print when the display connection fails or cannot be opened. */
const DISPLAY_DEATH = /XIO|X Error|open (main )?display|X connection/i;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Host {
  child: ChildProcess;
  ready: Promise<void>;
  pending: Map<number, Pending>;
  /** The X server the host connected to (see `serverIdentity`); a different one means its connection is dead. */
  server: string | undefined;
  stderrTail: string;
}

/** The socket file of a local display (`:3` is /tmp/.X11-unix/X3), or undefined for a remote one. */
function displaySocket(display: string | undefined): string | undefined {
  const match = /^(?:unix)?:(\d+)(?:\.\d+)?$/.exec(display ?? '');
  return match ? `/tmp/.X11-unix/X${match[1]}` : undefined;
}

/** Tells one X server from the next on the same display: a restarted server makes a new socket file. */
function serverIdentity(display: string | undefined): string | undefined {
  const socket = displaySocket(display);
  if (!socket) return undefined;
  try {
    const { ino, ctimeMs } = statSync(socket);
    return `${ino}:${ctimeMs}`;
  } catch {
    throw new DisplayUnavailableError(`The X display ${display} is gone (no ${socket})`);
  }
}

/**
 * nut-js in a child process, restarted after its X connection is lost.
 *
 * Why a child: Xlib ends the whole process when a display connection breaks (libnut installs no
 * handler), and libnut keeps its first connection for good. In the worker itself, the first mouse
 * action after an X server restart ended the worker. Here only the host dies; its calls fail with a
 * {@link DisplayUnavailableError} and the next call starts a fresh host on the new server. A
 * restart that is visible beforehand (the display's socket file was made anew) retires the old
 * host before the call, so that call already works. The host dies with the worker
 * ({@link spawnTied}) and never keeps the worker's event loop alive on its own.
 */
export function createNutHost(options: { env?: NodeJS.ProcessEnv } = {}): NutHost {
  let current: Host | undefined;
  let nextId = 0;

  const start = (env: NodeJS.ProcessEnv, server: string | undefined): Host => {
    const child = spawnTied(process.execPath, ['--import', TSX_LOADER, HOST_ENTRY], {
      env,
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    const host: Host = { child, ready: Promise.resolve(), pending: new Map(), server, stderrTail: '' };
    host.ready = new Promise<void>((resolve, reject) => {
      host.pending.set(-1, { resolve: () => resolve(), reject });
    });
    host.ready.catch(() => {});
    child.stderr!.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      host.stderrTail = (host.stderrTail + chunk.toString()).slice(-2000);
    });
    child.on('message', (message: NutHostMessage) => {
      const id = 'ready' in message ? -1 : message.id;
      const waiting = host.pending.get(id);
      host.pending.delete(id);
      if (!waiting) return;
      if ('ready' in message || message.ok) waiting.resolve('ready' in message ? undefined : message.value);
      else waiting.reject(new Error(message.message));
    });
    const died = (why: string) => {
      if (current === host) current = undefined;
      const display = env.DISPLAY ?? '(unset)';
      const detail = host.stderrTail.trim().split('\n').at(-1) || why;
      const error =
        DISPLAY_DEATH.test(host.stderrTail) || why.startsWith('signal')
          ? new DisplayUnavailableError(`The X display ${display} could not be reached or its connection broke (${detail}); the next action connects again`)
          : new Error(`The desktop input process stopped (${detail})`);
      for (const waiting of host.pending.values()) waiting.reject(error);
      host.pending.clear();
    };
    // `close`, not `exit`: only then has all of its stderr (Xlib's last words) been read.
    child.once('close', (code, signal) => died(signal ? `signal ${signal}` : `exit ${code}`));
    child.on('error', (error) => died(error.message));
    child.unref();
    child.channel?.unref();
    (child.stderr as Socket).unref();
    return host;
  };

  const retire = (host: Host) => {
    if (current === host) current = undefined;
    host.child.kill('SIGKILL');
  };

  return {
    async call<R extends NutRequest>(request: R): Promise<NutAnswers[R['op']]> {
      const env = options.env ?? process.env;
      const server = serverIdentity(env.DISPLAY);
      if (current && current.server !== server) retire(current);
      const host = (current ??= start(env, server));
      const id = nextId++;
      let timer: NodeJS.Timeout | undefined;
      const answer = new Promise<unknown>((resolve, reject) => {
        host.pending.set(id, { resolve, reject });
        timer = setTimeout(() => {
          reject(new DisplayUnavailableError(`The X display ${env.DISPLAY ?? '(unset)'} did not answer within ${CALL_TIMEOUT_MS / 1000} s`));
          retire(host);
        }, CALL_TIMEOUT_MS);
      });
      try {
        await Promise.race([host.ready, answer]);
        // A send to a host that just died fails here; its exit rejects the call with the reason.
        host.child.send({ id, request }, () => {});
        return (await answer) as NutAnswers[R['op']];
      } finally {
        clearTimeout(timer);
        host.pending.delete(id);
      }
    },
  };
}
