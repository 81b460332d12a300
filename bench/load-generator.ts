import { Worker } from 'node:worker_threads';

/** What one run of the load generator measured. */
export interface LoadResult {
  /** Requests answered 200. */
  done: number;
  /** Requests answered otherwise, or not at all. */
  failed: number;
  elapsedMs: number;
  /** Latency of every answered request, ms. */
  latenciesMs: number[];
}

/** What to request, how, and for how long. */
export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  durationMs: number;
  /**
   * `closed`: `concurrency` clients, each sending its next request when its last is answered.
   * `open`: requests sent at a fixed `rate` per second whatever the answers, at most `concurrency` in flight.
   */
  mode: 'closed' | 'open';
  concurrency: number;
  rate?: number;
}

// Plain JavaScript, run in a worker thread: the load has an event loop (and a core) of its own,
// so it does not slow down the gateway it measures.
const SOURCE = `
const { parentPort, workerData: o } = require('node:worker_threads');
const latencies = [];
let done = 0, failed = 0, inFlight = 0;
async function one() {
  const start = performance.now();
  inFlight++;
  try {
    const response = await fetch(o.url, { headers: o.headers });
    await response.arrayBuffer();
    if (response.status === 200) { done++; latencies.push(performance.now() - start); } else failed++;
  } catch { failed++; } finally { inFlight--; }
}
(async () => {
  const start = performance.now();
  const end = start + o.durationMs;
  if (o.mode === 'closed') {
    await Promise.all(Array.from({ length: o.concurrency }, async () => { while (performance.now() < end) await one(); }));
  } else {
    const pending = [];
    const total = Math.round((o.rate * o.durationMs) / 1000);
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / o.rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (inFlight >= o.concurrency) { failed++; continue; }
      pending.push(one());
    }
    await Promise.all(pending);
  }
  parentPort.postMessage({ done, failed, elapsedMs: performance.now() - start, latenciesMs: latencies });
})();
`;

/**
 * Sends GET requests to one URL over loopback for a bounded time, from a worker thread, and
 * reports how many were answered and how fast. Bounded in time and in requests in flight.
 */
export function generateLoad(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(SOURCE, { eval: true, workerData: options });
    worker.once('message', (result: LoadResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}
