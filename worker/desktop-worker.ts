import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, Worker, type NativeConnection } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { createDesktopActivities } from '../activities/index.js';
import { createBrowserHost, type BrowserHost } from '../activities/browser/browser-host.js';
import { findBrowserExecutable, launchBrowser } from '../activities/browser/chromium-launcher.js';
import { systemClock } from '../activities/ports.js';
import { createContentStore } from '../activities/store/content-store.js';
import type { DispatchConfig } from '../common/config.js';
import { desktopTaskQueue } from '../common/contract.js';
import type { Logger } from '../common/logger.js';
import { createAnthropicMessages } from './adapters/anthropic-messages.js';
import { createNutInputDevice, createNutScreenGrabber } from './adapters/nut-desktop.js';
import { createX11MonitorLocator, parseMonitorChoice } from './adapters/x11-monitors.js';
import { viewOfMonitor } from '../activities/screen/monitor-view.js';
import { releaseHeldInputWhenProcessEnds } from './adapters/x11-input-release.js';
import { createX11TextTyper } from './adapters/x11-text-typer.js';
import { createKeepAwake, inhibitorCommandFor, type KeepAwake } from './keep-awake.js';
import { writeKeepAwakeState } from './keep-awake-state.js';
import { bundlerLoggerFor } from './temporal-logging.js';
import { startDesktopMcp } from './mcp-servers.js';
import type { McpConnectors } from '../activities/mcp/mcp-connectors.js';
import type { DesktopProfile } from '../common/desktop-record.js';
import { desktopProfile } from './desktop-registration.js';

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
export async function createDesktopWorker(deps: DesktopWorkerDeps): Promise<{ worker: Worker; keepAwake: KeepAwake; browser: BrowserHost; mcp: McpConnectors; profile: DesktopProfile }> {
  const { config } = deps;
  // Private: they hold screenshots, transcripts and what the file tools did (see common/data-folder.ts).
  await Promise.all([config.paths.blobs, config.paths.journal, config.paths.trash].map((folder) => mkdir(folder, { recursive: true, mode: 0o700 })));
  await Promise.all(config.roots.map((folder) => mkdir(folder, { recursive: true })));

  const keepAwake =
    deps.keepAwake ??
    createKeepAwake({
      logger: deps.logger,
      inhibitor: inhibitorCommandFor(process.platform),
      onChange: (state) => writeKeepAwakeState(config.home, state),
    });
  // A worker that died mid-action may have left a key or button down (a Shift from `hold_key`):
  // let go of everything before any activity runs, and again as soon as this process ends.
  const input = createNutInputDevice({ textTyper: createX11TextTyper() });
  await input.releaseAll().catch((error: unknown) => deps.logger.warn('could not release held keys and buttons', { error: String(error) }));
  releaseHeldInputWhenProcessEnds();
  // Starts the nut-js process while the workflow bundle builds, rather than on the first screenshot.
  void input.mousePosition().catch(() => {});

  // The agent's web browser starts on a task's first browser call, never before.
  const browser = createBrowserHost(async () =>
    launchBrowser({ executable: await findBrowserExecutable(config.browser.executable), profileDir: config.paths.browserProfile, headless: config.browser.headless }),
  );

  // On a desk of several monitors the agent sees and drives one: DISPATCH_MONITOR, else the primary.
  const monitor = await createX11MonitorLocator(parseMonitorChoice(config.monitor));
  const desk = monitor ? viewOfMonitor({ grabber: createNutScreenGrabber(), input }, monitor) : { grabber: createNutScreenGrabber(), input };
  const profile = desktopProfile({ name: config.desktopName, monitorChoice: config.monitor, monitor: monitor ? await monitor().catch(() => undefined) : undefined });

  // The person's MCP servers start with the worker, here where their credentials are.
  const mcp = await startDesktopMcp(config, deps.logger);

  const activities = createDesktopActivities({
    browser,
    mcp,
    client: deps.client,
    grabber: desk.grabber,
    input: desk.input,
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
    // Bundled here rather than from `workflowsPath`, so webpack's twenty-line report stays out of
    // the terminal and the log; its warnings and errors still reach both.
    workflowBundle: await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: bundlerLoggerFor(deps.logger) }),
    activities: holdingAwake(activities, keepAwake),
    identity: `opendispatch-${deps.desktopId}@${os.hostname()}:${process.pid}`,
    shutdownGraceTime: '10 seconds',
    shutdownForceTime: '30 seconds',
  });
  return { worker, keepAwake, browser, mcp, profile };
}
