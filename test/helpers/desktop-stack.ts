import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { loadConfig, type DispatchConfig } from '../../common/config.js';
import { connectClient } from '../../worker/temporal-connection.js';
import { startFakeMessagesApi, type FakeMessagesApi } from './fake-messages-api.js';
import { freePort, startTestTemporal, type TestTemporal } from './temporal-server.js';
import { startXDisplay } from './x-display.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** A desktop worker running as its own process, exactly as `npm start` runs it. */
export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  /** SIGKILL: the crash case. */
  kill(): Promise<void>;
  /** SIGTERM: the clean shutdown case. */
  stop(): Promise<void>;
}

/**
 * The whole desktop side, real: an X display with a window manager, a Temporal dev server on a
 * SQLite file, the fake Messages API on loopback, and worker processes. Each test file gets its
 * own, with a unique desktop id (and so task queue) and data folder.
 */
export interface DesktopStack {
  home: string;
  roots: string[];
  desktopId: string;
  display: string;
  displayEnv: NodeJS.ProcessEnv;
  env: NodeJS.ProcessEnv;
  config: Readonly<DispatchConfig>;
  temporal: TestTemporal;
  model: FakeMessagesApi;
  client: Client;
  /**
   * Starts a worker process. `repo` is the checkout whose worker/main.ts it runs (this one unless
   * given): a checkout of an earlier release plays the worker from before an upgrade.
   */
  startWorker(options?: { repo?: string; /** Settings that differ from the stack's: another desktop's, say. */ env?: NodeJS.ProcessEnv }): Promise<WorkerProcess>;
  /** Stops the X server, as when the desktop session ends or the display is lost. */
  stopDisplay(): Promise<void>;
  /** Starts the X server again on the same display number. */
  restartDisplay(): Promise<void>;
  /** Resets a task to its first workflow task, as the Web UI's "Reset" does; returns the new run id. */
  resetToStart(taskId: string, reason: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startDesktopStack(
  options: { width?: number; height?: number; model?: string; dynamicConfig?: string[]; /** More DISPATCH_* settings for the worker. */ env?: NodeJS.ProcessEnv } = {},
): Promise<DesktopStack> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'opendispatch-stack-'));
  const roots = [path.join(home, 'granted')];
  await mkdir(roots[0]!, { recursive: true });
  const size = { width: options.width ?? 1280, height: options.height ?? 800 };
  let x = await startXDisplay(size);
  const temporal = await startTestTemporal({ home, dynamicConfig: options.dynamicConfig });
  const model = await startFakeMessagesApi();
  const desktopId = `test-${randomUUID().slice(0, 8)}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    DISPLAY: x.display,
    DISPATCH_HOME: home,
    DISPATCH_ROOTS: roots.join(path.delimiter),
    DISPATCH_DESKTOP_ID: desktopId,
    DISPATCH_MODEL: options.model ?? 'claude-sonnet-4-6',
    DISPATCH_TEMPORAL_PORT: String(temporal.port),
    DISPATCH_TEMPORAL_UI_PORT: String(temporal.uiPort),
    // A gateway started on this env gets a setup listener of its own, not the shared default 8786.
    DISPATCH_SETUP_PORT: String(await freePort()),
    ANTHROPIC_API_KEY: 'sk-ant-test-key',
    ANTHROPIC_BASE_URL: model.baseURL,
    ...options.env,
  };
  const config = loadConfig(env);
  const client = await connectClient(config.temporal);
  const workers: WorkerProcess[] = [];

  const startWorker = async ({ repo = REPO, env: overrides }: { repo?: string; env?: NodeJS.ProcessEnv } = {}): Promise<WorkerProcess> => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repo, 'worker/main.ts')], { env: { ...env, ...overrides }, cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const worker: WorkerProcess = {
      child,
      output: () => output,
      async kill() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
      },
      async stop() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      },
    };
    workers.push(worker);
    // Ready once it polls: wait for the log line that says so.
    const deadline = Date.now() + 60_000;
    while (!output.includes('desktop worker polling')) {
      if (child.exitCode !== null) throw new Error(`worker exited while starting:\n${output}`);
      if (Date.now() > deadline) throw new Error(`worker did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return worker;
  };

  return {
    home,
    roots,
    desktopId,
    display: x.display,
    displayEnv: x.env,
    async stopDisplay() {
      await x.stop();
    },
    async restartDisplay() {
      x = await startXDisplay({ ...size, number: Number(x.display.replace(/^:/, '')) });
    },
    env,
    config,
    temporal,
    model,
    client,
    startWorker,
    async resetToStart(taskId, reason) {
      const history = await client.workflow.getHandle(taskId).fetchHistory();
      const firstTask = history.events!.find((event) => event.workflowTaskCompletedEventAttributes)!;
      const { runId } = await client.workflowService.resetWorkflowExecution({
        namespace: config.temporal.namespace,
        workflowExecution: { workflowId: taskId },
        workflowTaskFinishEventId: firstTask.eventId,
        requestId: `reset-${taskId}-${randomUUID()}`,
        reason,
      });
      return runId!;
    },
    async stop() {
      await Promise.all(workers.map((worker) => worker.kill()));
      await client.connection.close();
      await model.close();
      await temporal.stop();
      await x.stop();
    },
  };
}
