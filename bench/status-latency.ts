import WebSocket from 'ws';
import type { ServerMessage } from '../common/api-schemas.js';
import type { TaskMemo } from '../common/contract.js';
import { instantModel } from './bench-desktop.js';
import { BENCH_DESKTOP, benchWorker, startBenchGateway } from './bench-stack.js';
import { percentile, type Benchmark, type BenchResult } from './bench-types.js';
import { withResources } from './cleanup.js';

const STEPS = 25;
const THINK_MS = 300;

/**
 * `status_latency_ms_p95`: from the moment Temporal records a task's new progress (the event time
 * of the workflow's memo update) to the moment a paired phone's WebSocket receives it. The model
 * thinks for a while each step so every change is a separate one.
 */
export const statusLatencyBenchmark: Benchmark = {
  name: 'status-latency',
  async run(): Promise<BenchResult[]> {
    return withResources(async (defer) => {
      const { config, client, connection, gateway } = await startBenchGateway(defer, 'status');
      const desktopId = BENCH_DESKTOP;
      const port = Number(new URL(gateway.localUrl).port);
        const worker = await benchWorker({ connection, client, config, messages: instantModel(STEPS, THINK_MS) });
        const latencies = await worker.runUntil(async () => {
          const { url } = (await (await fetch(`${gateway.setupUrl}/pair/code`, { method: 'POST' })).json()) as { url: string };
          const paired = await fetch(`${gateway.localUrl}/api/pair`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ code: new URL(url).hash.slice('#pair='.length), name: 'bench phone' }),
          });
          const { token } = (await paired.json()) as { token: string };
          const socket = new WebSocket(`ws://127.0.0.1:${port}/api/events`);
          const received: Array<{ at: number; key: string }> = [];
          socket.on('message', (data) => {
            const message = JSON.parse(data.toString()) as ServerMessage;
            if (message.type === 'task') received.push({ at: Date.now(), key: `${message.task.currentStep}|${message.task.steps.length}` });
          });
          await new Promise((resolve) => socket.once('open', resolve));
          socket.send(JSON.stringify({ type: 'auth', token }));
          await new Promise((resolve) => setTimeout(resolve, 300));

          const created = await fetch(`${gateway.localUrl}/api/tasks`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ prompt: 'bench' }),
          });
          const { id } = (await created.json()) as { id: string };
          await client.workflow.getHandle(id).result();
          await new Promise((resolve) => setTimeout(resolve, 500));
          socket.close();

          const history = await client.workflow.getHandle(id).fetchHistory();
          const changes: Array<{ at: number; key: string }> = [];
          for (const event of history.events ?? []) {
            const fields = event.workflowPropertiesModifiedEventAttributes?.upsertedMemo?.fields;
            if (!fields?.progress?.data) continue;
            const progress = JSON.parse(Buffer.from(fields.progress.data).toString('utf8')) as NonNullable<TaskMemo['progress']>;
            const time = event.eventTime!;
            changes.push({ at: Number(time.seconds) * 1000 + Math.floor((time.nanos ?? 0) / 1e6), key: `${progress.currentStep}|${progress.recentSteps.length}` });
          }
          return changes.flatMap((change) => {
            const seen = received.find((message) => message.at >= change.at - 5 && message.key.startsWith(change.key.split('|')[0]!));
            return seen ? [seen.at - change.at] : [];
          });
        });
        return [
          {
            name: 'status_latency_ms_p95',
            value: percentile(latencies, 95),
            unit: 'ms',
            better: 'lower',
            goal: 250,
            samples: latencies.length,
            note: `p50 ${percentile(latencies, 50)} ms; memo update in Temporal → WebSocket message at a paired client`,
          },
        ];
    });
  },
};
