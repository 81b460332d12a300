import { spawn } from 'node:child_process';
import { runX11Helper } from './x11-helper-process.js';

/**
 * `xdotool` arguments that release every key and mouse button of the X server's XTEST devices,
 * the virtual keyboard and pointer that xdotool and nut-js press through. Keycodes are given as
 * numbers (xdotool reads a number of two or more digits as a keycode), so nothing is looked up
 * or bound in the keymap; 8 and 9 would read as the keysyms "8" and "9" and are left out.
 *
 * Why unconditional, with no record of what was pressed: the X server drops the release of a key
 * or button that is not down on the device, so this sends no event for anything that was not
 * held, never presses anything, and leaves keys the person holds on their own keyboard alone
 * (that is another device). A record kept on disk would miss the key a killed `xdotool type` had
 * just pressed; the server's own state does not.
 */
const RELEASE_EVERYTHING = [
  'keyup', '--delay', '0',
  ...Array.from({ length: 255 - 10 + 1 }, (_, i) => String(10 + i)),
  ...[1, 2, 3, 4, 5, 6, 7].flatMap((button) => ['mouseup', String(button)]),
];

/**
 * Releases every key and mouse button the agent's automation may be holding down on the display
 * of `env` (one `xdotool` call, about 40 ms). Used when a worker starts and after an input action
 * was cut short, so a Shift held by a crashed `hold_key` does not turn the person's typing into
 * capitals.
 */
export async function releaseHeldInput(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await runX11Helper('xdotool', RELEASE_EVERYTHING, { env, timeoutMs: 10_000 });
}

/**
 * Makes sure held keys and buttons are released as soon as this process ends, however it ends
 * (SIGKILL included), instead of when a new worker happens to start.
 *
 * A small shell waits for end-of-file on a pipe whose only writer is this process; the kernel
 * closes it when the process dies. The shell runs in its own session, so killing the worker's
 * process group does not take it along; it then waits 0.2 s, so helpers ended by their
 * parent-death signal are gone, releases everything once, and exits.
 */
export function releaseHeldInputWhenProcessEnds(env: NodeJS.ProcessEnv = process.env): void {
  const script = `cat >/dev/null; sleep 0.2; exec xdotool ${RELEASE_EVERYTHING.join(' ')} >/dev/null 2>&1`;
  const guard = spawn('sh', ['-c', script], { env, detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  guard.once('error', () => {});
  guard.stdin!.on('error', () => {});
  // Neither the guard nor its pipe may keep this process alive once its work is done.
  guard.unref();
  (guard.stdin as unknown as { unref?: () => void }).unref?.();
}
