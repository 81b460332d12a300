import { spawnTied } from '../../common/spawn-tied.js';

export interface X11HelperOptions {
  /** Environment of the helper; its DISPLAY chooses the X display. */
  env: NodeJS.ProcessEnv;
  /** The helper is killed, and the call fails, after this long. */
  timeoutMs: number;
}

/**
 * Runs one X11 command-line helper (xdotool, xmodmap, xprop) to completion and returns its
 * standard output.
 *
 * Helpers are started with {@link spawnTied}, so the kernel ends them when the worker dies,
 * however it dies: an orphaned `xdotool type` once went on typing for seconds after its worker was
 * killed. A helper that fails says which program, which display and why; a missing program says
 * which Debian package brings it.
 */
export function runX11Helper(file: string, args: readonly string[], options: X11HelperOptions): Promise<string> {
  const display = options.env.DISPLAY ?? '(unset)';
  return new Promise((resolve, reject) => {
    const child = spawnTied(file, args, { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        error.code === 'ENOENT'
          ? new Error(`${file} is not installed; driving the X display needs it (Debian: apt install xdotool x11-xserver-utils x11-utils)`)
          : new Error(`${file} could not start: ${error.message}`, { cause: error }),
      );
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve(stdout);
      const why = timedOut ? `no answer within ${options.timeoutMs} ms` : stderr.trim() || `exit ${code ?? signal}`;
      reject(new Error(`${file} failed on display ${display}: ${why}`));
    });
  });
}
