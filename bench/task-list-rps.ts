import { taskListSchema } from '../common/api-schemas.js';
import { createContentStore } from '../activities/store/content-store.js';
import { startTask } from '../common/task-starter.js';
import { createScreenshotSource } from '../gateway/screenshot-source.js';
import { createDesktopPresence } from '../gateway/desktop-presence.js';
import { createTaskService } from '../gateway/task-service.js';
import { instantModel } from './bench-desktop.js';
import { BENCH_DESKTOP, benchWorker, startBenchGateway } from './bench-stack.js';
import { percentile, type Benchmark, type BenchResult } from './bench-types.js';
import { withResources } from './cleanup.js';
import { generateLoad } from './load-generator.js';
import { previousTaskList } from './previous-task-list.js';

const TASKS = 60;
const DURATION_MS = 5_000;
const CLIENTS = 32;
const FIXED_RATE = 200;

/** Requests per second `call` answers with `concurrency` callers back to back for `durationMs`. */
async function closedLoop(call: () => Promise<unknown>, concurrency: number, durationMs: number): Promise<number> {
  const end = performance.now() + durationMs;
  const start = performance.now();
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await call();
        done++;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

/**
 * `task_list_rps`: `GET /api/tasks` (the first page of 50, of 60 finished tasks) answered per
 * second by the gateway over loopback, from 32 clients in a worker thread; and its p99 latency
 * at a fixed 200 requests a second. Against the previous list (visibility, then each finished
 * task's result from its history), called directly, in the same run; and the new list without
 * its short cache, called directly too, to show what a page costs Temporal now.
 */
export const taskListBenchmark: Benchmark = {
  name: 'task-list',
  async run(): Promise<BenchResult[]> {
    return withResources(async (defer) => {
      const { config, client, connection, gateway } = await startBenchGateway(defer, 'list');
      const desktopId = BENCH_DESKTOP;

      const worker = await benchWorker({ connection, client, config, messages: instantModel(0) });
      await worker.runUntil(async () => {
        const ids = await Promise.all(Array.from({ length: TASKS }, (_, i) => startTask(client, config, { prompt: `bench task ${i}`, desktopId })));
        await Promise.all(ids.map((id) => client.workflow.getHandle(id).result()));
      });

      const { url } = (await (await fetch(`${gateway.setupUrl}/pair/code`, { method: 'POST' })).json()) as { url: string };
      const paired = await fetch(`${gateway.localUrl}/api/pair`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: new URL(url).hash.slice(6), name: 'bench phone' }) });
      const { token } = (await paired.json()) as { token: string };
      const headers = { authorization: `Bearer ${token}` };
      const listUrl = `${gateway.localUrl}/api/tasks`;
      const first = taskListSchema.parse(await (await fetch(listUrl, { headers })).json());
      if (first.tasks.length !== 50 || first.nextCursor === undefined) throw new Error(`the first page has ${first.tasks.length} tasks`);

      const presence = createDesktopPresence({ client, namespace: config.temporal.namespace });
      // One caller each: the short cache would otherwise share one read among callers.
      const previousRps = await closedLoop(previousTaskList(client, presence), 1, DURATION_MS);
      const screenshots = createScreenshotSource({ client, store: createContentStore(config.paths.blobs), presence, selfId: desktopId });
      const uncached = createTaskService({ client, config, defaultDesktopId: desktopId, screenshots, presence, listCache: { freshMs: 0, staleMs: 0 } });
      const uncachedRps = await closedLoop(() => uncached.list({ limit: 50 }), 1, DURATION_MS);

      const closed = await generateLoad({ url: listUrl, headers, mode: 'closed', concurrency: CLIENTS, durationMs: DURATION_MS });
      const rps = closed.done / (closed.elapsedMs / 1000);
      const open = await generateLoad({ url: listUrl, headers, mode: 'open', rate: FIXED_RATE, concurrency: 1_000, durationMs: DURATION_MS });
      const round = (value: number) => Math.round(value * 10) / 10;
      const baselineLabel = "the previous list, called directly, one call at a time (visibility, then each finished task's result from its history)";
      return [
        {
          name: 'task_list_rps',
          value: Math.round(rps),
          unit: 'req/s',
          better: 'higher',
          goal: 500,
          samples: closed.done,
          note: `${CLIENTS} clients over loopback for ${DURATION_MS / 1000} s, first page of 50 of ${TASKS} finished tasks; ${closed.failed} failed; previous list ${round(previousRps)} req/s (${round(rps / previousRps)}x)`,
        },
        {
          name: 'task_list_ms_p99_at_200rps',
          value: round(percentile(open.latenciesMs, 99)),
          unit: 'ms',
          better: 'lower',
          goal: 100,
          samples: open.done,
          note: `p50 ${round(percentile(open.latenciesMs, 50))} ms; ${FIXED_RATE} req/s for ${DURATION_MS / 1000} s, ${open.failed} failed`,
        },
        {
          name: 'task_list_uncached_rps',
          value: round(uncachedRps),
          unit: 'req/s',
          better: 'higher',
          baseline: round(previousRps),
          baselineLabel,
          note: 'the new list without its short cache, called directly, one call at a time: one visibility call per page, nothing per task',
        },
      ];
    });
  },
};
