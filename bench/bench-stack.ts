import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { createDesktopActivities } from '../activities/index.js';
import type { MessagesPort } from '../activities/model/messages-port.js';
import { systemClock } from '../activities/ports.js';
import { createContentStore } from '../activities/store/content-store.js';
import { loadConfig, type DispatchConfig } from '../common/config.js';
import { desktopTaskQueue } from '../common/contract.js';
import { createLogger } from '../common/logger.js';
import { startGateway, type RunningGateway } from '../gateway/gateway.js';
import { freePort, startTestTemporal } from '../test/helpers/temporal-server.js';
import { connectClient, connectWorker } from '../worker/temporal-connection.js';
import { noInput, stillScreen } from './bench-desktop.js';

const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/** The desktop id every benchmark's stack uses. */
export const BENCH_DESKTOP = 'bench';

/**
 * A desktop worker with the real workflows and activities, but a still screen, no input and the
 * given model: what the engine costs, without a display or a network model.
 */
export function benchWorker(deps: { connection: NativeConnection; client: Client; config: Readonly<DispatchConfig>; messages: MessagesPort }): Promise<Worker> {
  const { config } = deps;
  return Worker.create({
    connection: deps.connection,
    taskQueue: desktopTaskQueue(BENCH_DESKTOP),
    workflowsPath: WORKFLOWS_PATH,
    activities: createDesktopActivities({
      client: deps.client,
      grabber: stillScreen,
      input: noInput,
      clock: systemClock,
      store: createContentStore(config.paths.blobs),
      messages: deps.messages,
      defaultModel: config.model,
      roots: config.roots,
      trashDir: config.paths.trash,
      journalDir: config.paths.journal,
      platform: 'bench',
    }),
  });
}

/** What a gateway benchmark runs against: a Temporal dev server, its clients and an in-process gateway. */
export interface BenchGatewayStack {
  config: Readonly<DispatchConfig>;
  client: Client;
  connection: NativeConnection;
  gateway: RunningGateway;
}

/**
 * Starts a scratch data folder, a Temporal dev server, a client, a worker connection and the
 * gateway on loopback, each registered with `defer` so it is stopped whatever happens.
 */
export async function startBenchGateway(defer: (name: string, stop: () => Promise<unknown>) => void, name: string): Promise<BenchGatewayStack> {
  const home = await mkdtemp(path.join(os.tmpdir(), `opendispatch-bench-${name}-`));
  defer('the scratch folder', () => rm(home, { recursive: true, force: true }));
  const temporal = await startTestTemporal({ home });
  defer('the Temporal server', () => temporal.stop());
  const config = loadConfig({
    DISPATCH_HOME: home,
    DISPATCH_TEMPORAL_PORT: String(temporal.port),
    DISPATCH_TEMPORAL_UI_PORT: String(temporal.uiPort),
    DISPATCH_PORT: String(await freePort()),
    DISPATCH_SETUP_PORT: String(await freePort()),
    DISPATCH_HOST: '127.0.0.1',
  });
  const client = await connectClient(config.temporal);
  defer('the Temporal client', () => client.connection.close());
  const connection = await connectWorker(config.temporal);
  defer('the worker connection', () => connection.close());
  const gateway = await startGateway({ config, client, desktopId: BENCH_DESKTOP, logger: createLogger('bench', () => {}), version: 'bench', keepAwake: () => ({ mode: 'bench', active: false }) });
  defer('the gateway', () => gateway.close());
  return { config, client, connection, gateway };
}
