/**
 * Every benchmark stops what it starts (a Temporal dev server, an X display, a gateway), however
 * it ends: normally (`finally`), by an error, or by a signal (Ctrl+C, `kill`, the runner being
 * stopped, which sends SIGTERM to its child). A signal alone would end the process without
 * running any `finally`, leaving a `temporal server start-dev` behind.
 */

import { stopTiedChildren } from '../common/spawn-tied.js';

type Stop = () => Promise<unknown> | unknown;
type Scope = Array<{ name: string; stop: Stop }>;

const scopes = new Set<Scope>();
const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
/** A stop that hangs must not keep a benchmark alive forever after a signal. */
const STOP_LIMIT_MS = 30_000;
let installed = false;

async function stopScope(scope: Scope): Promise<void> {
  for (const { name, stop } of scope.splice(0).reverse()) {
    try {
      await stop();
    } catch (error) {
      process.stderr.write(`could not stop ${name}: ${(error as Error).message}\n`);
    }
  }
}

function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  let stopping = false;
  for (const [signal, number] of Object.entries(SIGNALS)) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`${signal}: stopping what the benchmark started…\n`);
      const limit = setTimeout(() => process.exit(128 + number), STOP_LIMIT_MS);
      void Promise.all([...scopes].map(stopScope))
        // And whatever was still starting when the signal came (a server not yet registered).
        .then(() => stopTiedChildren())
        .finally(() => {
          clearTimeout(limit);
          process.exit(128 + number);
        });
    });
  }
}

/**
 * Runs `body` with a `defer(name, stop)` that registers what it started, right after starting
 * it. Everything registered is stopped in reverse order when `body` settles, or when a signal
 * arrives first (then the process exits 128 + the signal's number).
 */
export async function withResources<T>(body: (defer: (name: string, stop: Stop) => void) => Promise<T>): Promise<T> {
  installSignalHandlers();
  const scope: Scope = [];
  scopes.add(scope);
  try {
    return await body((name, stop) => void scope.push({ name, stop }));
  } finally {
    scopes.delete(scope);
    await stopScope(scope);
  }
}
