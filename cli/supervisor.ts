import { fileURLToPath } from 'node:url';
import type { Logger } from '../common/logger.js';
import { spawnTied } from '../common/spawn-tied.js';

const WORKER_ENTRY = fileURLToPath(new URL('../worker/main.ts', import.meta.url));

/** One run of a part of the product as a process: what `supervise` watches and stops. */
export interface PartProcess {
  pid: number;
  /** Settles with how the process ended (code or signal), however it ended. */
  exited: Promise<unknown>;
  /** Ends the process gracefully, by force after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** A part kept running: restarted with back-off whenever it dies unexpectedly. */
export interface Supervised {
  /** The current run's process, or undefined between a crash and its restart. */
  readonly pid: number | undefined;
  /** From now on a part that exits stays stopped: the whole tree is shutting down. */
  stopRestarting(): void;
  stop(graceMs?: number): Promise<void>;
}

export interface SuperviseOptions {
  /** For people: "Temporal server", "desktop worker". */
  name: string;
  /** Starts one run; rejects if the part cannot come up. */
  start: () => Promise<PartProcess>;
  logger: Logger;
  /** The first restart waits this long; each further failure doubles it, up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** A run that lasted this long was healthy: the next crash starts the back-off over. */
  healthyAfterMs?: number;
}

/**
 * Starts a part and keeps it running: when it dies unexpectedly (a native library took the worker
 * down, the Temporal server was killed) it is started again after a back-off that grows while it
 * keeps failing, so one broken part neither stops the product nor spins. The first start's
 * failure is thrown, because then the configuration is wrong (a port in use, say) and a person
 * must act; later failures are logged and retried.
 */
export async function supervise(options: SuperviseOptions): Promise<Supervised> {
  const { name, logger } = options;
  const initialDelayMs = options.initialDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const healthyAfterMs = options.healthyAfterMs ?? 60_000;
  let current: PartProcess | undefined;
  let stopping = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let starting: Promise<void> | undefined;

  const retry = (message: string, fields: Record<string, unknown>): void => {
    const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** failures++);
    logger.warn(`${message}; restarting it`, { part: name, ...fields, inMs: delay });
    timer = setTimeout(restart, delay);
  };
  const watch = (part: PartProcess): void => {
    current = part;
    const startedAt = Date.now();
    logger.info(`${name} started`, { part: name, pid: part.pid });
    void part.exited.then((how) => {
      if (current === part) current = undefined;
      if (stopping) return;
      if (Date.now() - startedAt > healthyAfterMs) failures = 0;
      retry(`the ${name} stopped`, { pid: part.pid, exit: how });
    });
  };
  const restart = (): void => {
    timer = undefined;
    if (stopping) return;
    starting = options
      .start()
      .then(
        (part) => (stopping ? part.stop() : watch(part)),
        (error: unknown) => {
          if (!stopping) retry(`the ${name} could not start`, { error: (error as Error).message });
        },
      )
      .finally(() => (starting = undefined));
  };

  watch(await options.start());
  const stopRestarting = (): void => {
    stopping = true;
    if (timer) clearTimeout(timer);
  };
  return {
    get pid() {
      return current?.pid;
    },
    stopRestarting,
    async stop(graceMs) {
      stopRestarting();
      await starting;
      await current?.stop(graceMs);
    },
  };
}

/**
 * Starts the desktop worker as its own process (`worker/main.ts`), tied to this one so it never
 * outlives it. The worker runs apart so a crash in a native input library takes only it down;
 * tasks do not notice a restart, because Temporal re-delivers their work.
 */
export async function startWorkerProcess(options: { env: NodeJS.ProcessEnv; onOutput?: (chunk: Buffer) => void }): Promise<PartProcess> {
  const child = spawnTied(process.execPath, ['--import', 'tsx', WORKER_ENTRY], { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk: Buffer) => options.onOutput?.(chunk));
  child.stderr!.on('data', (chunk: Buffer) => options.onOutput?.(chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new Error(`Could not start the desktop worker: ${error.message}`)));
  });
  const pid = child.pid!;
  return {
    pid,
    exited,
    async stop(graceMs = 35_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
