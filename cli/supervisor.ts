import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../common/logger.js';

const WORKER_ENTRY = fileURLToPath(new URL('../worker/main.ts', import.meta.url));

/** A child process kept running: restarted with back-off when it dies unexpectedly. */
export interface Supervised {
  readonly pid: number | undefined;
  /** From now on a worker that exits stays stopped: the whole tree is shutting down. */
  stopRestarting(): void;
  stop(graceMs?: number): Promise<void>;
}

/**
 * Runs the desktop worker in a child process and restarts it if it crashes (a native input
 * library can take a process down). Tasks do not notice: Temporal re-delivers their work.
 */
export function superviseWorker(options: { env: NodeJS.ProcessEnv; logger: Logger; onOutput?: (chunk: Buffer) => void }): Supervised {
  let child: ChildProcess | undefined;
  let stopping = false;
  let restarts = 0;
  let restartTimer: NodeJS.Timeout | undefined;

  const launch = (): void => {
    const startedAt = Date.now();
    const started = spawn(process.execPath, ['--import', 'tsx', WORKER_ENTRY], {
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    started.once('error', (error) => options.logger.error('could not start the desktop worker', { error: error.message }));
    started.stdout?.on('data', (chunk: Buffer) => options.onOutput?.(chunk));
    started.stderr?.on('data', (chunk: Buffer) => options.onOutput?.(chunk));
    started.once('exit', (code, signal) => {
      if (child === started) child = undefined;
      if (stopping) return;
      if (Date.now() - startedAt > 60_000) restarts = 0;
      const delay = Math.min(30_000, 500 * 2 ** restarts++);
      options.logger.warn('the desktop worker stopped; restarting it', { code, signal, inMs: delay });
      restartTimer = setTimeout(launch, delay);
    });
  };
  launch();

  return {
    get pid() {
      return child?.pid;
    },
    stopRestarting() {
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
    },
    async stop(graceMs = 35_000) {
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      const current = child;
      if (!current || current.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()));
      current.kill('SIGTERM');
      const timer = setTimeout(() => current.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
