import type { KeyboardTarget } from '../../activities/ports.js';
import { runX11Helper } from './x11-helper-process.js';

/** XGetInputFocus's answers that are not windows. */
const NO_FOCUS = 0;
const POINTER_ROOT = 1;

/** The window id a root property names (`_NET_ACTIVE_WINDOW: window id # 0x40000c`), if present. */
function windowProperty(output: string, name: string): number | undefined {
  const match = new RegExp(`^${name}(?:\\(WINDOW\\))?:\\s+window id # (0x[0-9a-f]+)`, 'im').exec(output);
  return match ? Number.parseInt(match[1]!, 16) : undefined;
}

/**
 * Where the keyboard's input would go on the display of `env`, told from two small helper calls
 * run side by side (`xdotool getwindowfocus -f` and one `xprop -root`), a few milliseconds.
 *
 * `nowhere` when the focus is None, or a window manager runs and either holds the focus in its
 * own window (openbox parks it there when no client has it) or says no client is active. Without
 * a window manager the focus follows the pointer or sits where an application put it, so only
 * None counts as nowhere. `unknown` when the display could not be asked; never throws, because
 * the answer only adds a hint to a result.
 */
export async function x11KeyboardTarget(env: NodeJS.ProcessEnv = process.env): Promise<KeyboardTarget> {
  const [focus, root] = await Promise.allSettled([
    runX11Helper('xdotool', ['getwindowfocus', '-f'], { env, timeoutMs: 5_000 }),
    runX11Helper('xprop', ['-root', '-notype', '_NET_SUPPORTING_WM_CHECK', '_NET_ACTIVE_WINDOW'], { env, timeoutMs: 5_000 }),
  ]);
  if (focus.status === 'rejected' || !/^\d+$/.test(focus.value.trim())) return 'unknown';
  const focused = Number(focus.value.trim());
  if (focused === NO_FOCUS) return 'nowhere';
  if (focused === POINTER_ROOT) return 'unknown';
  if (root.status === 'rejected') return 'unknown';
  const windowManager = windowProperty(root.value, '_NET_SUPPORTING_WM_CHECK');
  if (windowManager === undefined) return 'window';
  const active = windowProperty(root.value, '_NET_ACTIVE_WINDOW');
  return focused === windowManager || active === 0 ? 'nowhere' : 'window';
}
