import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker, type NativeConnection } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { createDesktopActivities } from '../activities/index.js';
import { systemClock } from '../activities/ports.js';
import { createContentStore } from '../activities/store/content-store.js';
import type { DispatchConfig } from '../common/config.js';
import { desktopTaskQueue } from '../common/contract.js';
import type { Logger } from '../common/logger.js';
import { createAnthropicMessages } from './adapters/anthropic-messages.js';
import { createNutInputDevice, createNutScreenGrabber } from './adapters/nut-desktop.js';
import { createX11TextTyper } from './adapters/x11-text-typer.js';
import { createKeepAwake, inhibitorCommandFor, type KeepAwake } from './keep-awake.js';
import { writeKeepAwakeState } from './keep-awake-state.js';

const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface DesktopWorkerDeps {
  config: Readonly<DispatchConfig>;
  desktopId: string;
  connection: NativeConnection;
  client: Client;
  logger: Logger;
  keepAwake?: KeepAwake;
}

/** Wraps every activity so the desktop stays awake while any of them runs. */
function holdingAwake<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T, keepAwake: KeepAwake): T {
  return Object.fromEntries(
    Object.entries(activities).map(([name, activity]) => [
      name,
      async (...args: never[]) => {
        const done = keepAwake.hold();
        try {
          return await activity(...args);
        } finally {
          done();
        }
      },
    ]),
  ) as T;
}

/**
 * The composition root of a desktop: builds the real adapters (nut-js, the Anthropic SDK, the
 * file system) once and creates the worker on the desktop's own task queue, which carries both
 * its workflows and its activities. Nothing else constructs adapters.
 */
export async function createDesktopWorker(deps: DesktopWorkerDeps): Promise<{ worker: Worker; keepAwake: KeepAwake }> {
  const { config } = deps;
  await Promise.all([config.paths.blobs, config.paths.journal, config.paths.trash, ...config.roots].map((folder) => mkdir(folder, { recursive: true })));

  const keepAwake =
    deps.keepAwake ??
    createKeepAwake({
      logger: deps.logger,
      inhibitor: inhibitorCommandFor(process.platform),
      onChange: (state) => writeKeepAwakeState(config.home, state),
    });
  const activities = createDesktopActivities({
    client: deps.client,
    grabber: createNutScreenGrabber(),
    input: createNutInputDevice({ textTyper: createX11TextTyper() }),
    clock: systemClock,
    store: createContentStore(config.paths.blobs),
    messages: createAnthropicMessages(config.anthropic),
    defaultModel: config.model,
    roots: config.roots,
    trashDir: config.paths.trash,
    journalDir: config.paths.journal,
    platform: `${os.type()} ${os.release()}`,
    computerToolOverride: config.computerToolOverride,
  });

  const worker = await Worker.create({
    connection: deps.connection,
    namespace: config.temporal.namespace,
    taskQueue: desktopTaskQueue(deps.desktopId),
    workflowsPath: WORKFLOWS_PATH,
    activities: holdingAwake(activities, keepAwake),
    identity: `opendispatch-${deps.desktopId}@${os.hostname()}:${process.pid}`,
    shutdownGraceTime: '10 seconds',
    shutdownForceTime: '30 seconds',
  });
  return { worker, keepAwake };
}
