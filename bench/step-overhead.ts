import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { createDesktopActivities, type DesktopActivities } from '../activities/index.js';
import type { MessagesPort } from '../activities/model/messages-port.js';
import { systemClock } from '../activities/ports.js';
import { createContentStore } from '../activities/store/content-store.js';
import { startTask } from '../common/task-starter.js';
import { loadConfig } from '../common/config.js';
import { desktopTaskQueue, type ScreenGeometry } from '../common/contract.js';
import { startTestTemporal } from '../test/helpers/temporal-server.js';
import { connectClient, connectWorker } from '../worker/temporal-connection.js';
import { percentile, type Benchmark, type BenchResult } from './bench-types.js';
import { withResources } from './cleanup.js';
import { instantModel, noInput, stillScreen } from './bench-desktop.js';

const STEPS = 40;
const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

function stepDurations(askedAt: number[]): number[] {
  return askedAt.slice(2).map((time, index) => time - askedAt[index + 1]!);
}

/** The same steps as the workflow, called one after another in this process. */
async function plainLoop(activities: DesktopActivities, model: string): Promise<void> {
  let shot = await activities.takeScreenshot({ model });
  let decision = await activities.decideNextStep({ model, prompt: 'bench', transcriptRef: null, toolResults: [], screenshot: { ref: shot.imageRef, mediaType: shot.mediaType }, geometry: shot.geometry });
  while (decision.toolUses.length > 0) {
    const geometry: ScreenGeometry = shot.geometry;
    const results = [];
    for (const use of decision.toolUses) {
      results.push(await activities.performComputerAction({ taskId: 'plain-loop', model, toolUseId: use.id, name: use.name, ...(use.toolsetName ? { toolsetName: use.toolsetName } : {}), input: use.input, geometry }));
    }
    shot = await activities.takeScreenshot({ model });
    results[results.length - 1] = { ...results.at(-1)!, imageRef: shot.imageRef, imageMediaType: shot.mediaType };
    decision = await activities.decideNextStep({ model, prompt: 'bench', transcriptRef: decision.transcriptRef, toolResults: results, geometry: shot.geometry });
  }
}

export const stepOverheadBenchmark: Benchmark = {
  name: 'step-overhead',
  async run(): Promise<BenchResult[]> {
    return withResources(async (defer) => {
      const home = await mkdtemp(path.join(os.tmpdir(), 'opendispatch-bench-steps-'));
      defer('the scratch folder', () => rm(home, { recursive: true, force: true }));
      const temporal = await startTestTemporal({ home });
      defer('the Temporal server', () => temporal.stop());
      const config = loadConfig({ DISPATCH_HOME: home, DISPATCH_TEMPORAL_PORT: String(temporal.port), DISPATCH_TEMPORAL_UI_PORT: String(temporal.uiPort) });
      const client = await connectClient(config.temporal);
      defer('the Temporal client', () => client.connection.close());
      const connection = await connectWorker(config.temporal);
      defer('the worker connection', () => connection.close());
      const build = (messages: MessagesPort) =>
        createDesktopActivities({
          client,
          grabber: stillScreen,
          input: noInput,
          clock: systemClock,
          store: createContentStore(path.join(home, 'blobs')),
          messages,
          defaultModel: config.model,
          roots: [path.join(home, 'files')],
          trashDir: path.join(home, 'trash'),
          journalDir: path.join(home, 'journal'),
          platform: 'bench',
        });
        const plainModel = instantModel(STEPS);
        await plainLoop(build(plainModel), config.model);

        const engineModel = instantModel(STEPS);
        const desktopId = 'bench';
        const worker = await Worker.create({ connection, taskQueue: desktopTaskQueue(desktopId), workflowsPath: WORKFLOWS_PATH, activities: build(engineModel) });
        await worker.runUntil(async () => {
          const taskId = await startTask(client, config, { prompt: 'bench', desktopId, maxSteps: STEPS + 5 });
          await client.workflow.getHandle(taskId).result();
        });

        const plain = percentile(stepDurations(plainModel.askedAt), 50);
        const engine = percentile(stepDurations(engineModel.askedAt), 50);
        return [
          {
            name: 'step_overhead_ms_p50',
            value: Math.max(0, engine - plain),
            unit: 'ms',
            better: 'lower',
            goal: 30,
            samples: STEPS - 1,
            note: `per step: ${engine.toFixed(1)} ms as a Temporal workflow vs ${plain.toFixed(1)} ms in a plain loop (same activities, instant model, no-op input)`,
          },
        ];
    });
  },
};
