import path from 'node:path';
import type { DispatchConfig } from '../common/config.js';
import { secureDataFolder } from '../common/data-folder.js';
import { createProcessLogger } from '../common/logger.js';
import { resolveDesktopId } from '../worker/desktop-id.js';
import { startDevServer } from '../worker/dev-server.js';
import { findTemporalCli } from '../worker/temporal-cli.js';
import { startGateway, type RunningGateway } from '../gateway/gateway.js';
import { renderTerminalQr } from '../gateway/pairing-routes.js';
import { temporalWebUiUrl } from '../common/temporal-web-ui.js';
import { readKeepAwakeState } from '../worker/keep-awake-state.js';
import { connectClient } from '../worker/temporal-connection.js';
import { warnIfPromptAttributeMissing } from '../common/prompt-search-attribute.js';
import { canDrawQr, renderBanner, runsAsService } from './banner.js';
import { startWorkerProcess, supervise } from './supervisor.js';
import { packageVersion } from './version.js';

/** How long the banner waits for the worker's first poll before it is printed anyway. */
const WORKER_READY_WAIT_MS = 90_000;

/**
 * `opendispatch start`: the embedded Temporal dev server (unless TEMPORAL_ADDRESS points
 * elsewhere), the desktop worker and the phone gateway, as one supervised process tree. A part
 * that dies is restarted with back-off; Ctrl+C (or SIGTERM, or closing the terminal) stops them
 * all cleanly, and no child outlives this process even when it is killed (see `spawnTied`). The
 * next start finds every task where it was: the server's state is a SQLite file in the data folder.
 */
export async function runStart(config: Readonly<DispatchConfig>): Promise<void> {
  // Private before anything is written to it: screenshots, transcripts, Temporal's database.
  await secureDataFolder(config.home, { skip: config.roots });
  const logger = createProcessLogger({ component: 'opendispatch', logFile: path.join(config.paths.logs, 'opendispatch.log') });
  const desktopId = await resolveDesktopId({ configured: config.desktopId, home: config.home });
  const env: NodeJS.ProcessEnv = { ...process.env, DISPATCH_HOME: config.home, DISPATCH_DESKTOP_ID: desktopId };

  // Everything started so far, stopped in reverse order on Ctrl+C, or at once if start-up fails
  // halfway, so no worker or server is left running unwatched. No part is restarted once
  // stopping began: Ctrl+C in a terminal reaches the children too, and they exit on their own.
  const running: Array<{ name: string; stop: () => Promise<void>; stopRestarting?: () => void }> = [];
  const stopAll = async (): Promise<void> => {
    for (const part of running) part.stopRestarting?.();
    for (const part of running.splice(0).reverse()) {
      await part.stop().catch((error: unknown) => logger.error(`could not stop the ${part.name} cleanly`, { error: (error as Error).message }));
    }
  };

  let gateway: RunningGateway;
  let workerReady: Promise<void> = Promise.resolve();
  try {
    if (config.temporal.kind === 'embedded') {
      const cli = await findTemporalCli({ explicit: config.temporalCli, binDir: config.paths.bin });
      const { port, uiPort, databaseFile, namespace } = config.temporal;
      const temporal = await supervise({
        name: 'Temporal server',
        logger,
        start: () => startDevServer({ cli, port, uiPort, databaseFile, namespace, logFile: path.join(config.paths.logs, 'temporal.log'), logger }),
      });
      running.push({ name: 'Temporal server', stop: () => temporal.stop(), stopRestarting: () => temporal.stopRestarting() });
    }
    // The worker prints short lines (its JSON goes to logs/worker.log); the banner waits until it
    // polls, so nothing it prints while starting scrolls the QR code away.
    let workerOutput = '';
    let workerPolling!: () => void;
    const polling = new Promise<void>((resolve) => (workerPolling = resolve));
    const worker = await supervise({
      name: 'desktop worker',
      logger,
      start: () =>
        startWorkerProcess({
          env,
          onOutput: (chunk) => {
            process.stderr.write(chunk);
            if (workerOutput.length < 100_000) workerOutput += chunk.toString();
            if (workerOutput.includes('desktop worker polling')) workerPolling();
          },
        }),
    });
    workerReady = Promise.race([polling, new Promise<void>((resolve) => setTimeout(resolve, WORKER_READY_WAIT_MS).unref())]);
    running.push({ name: 'desktop worker', stop: () => worker.stop(), stopRestarting: () => worker.stopRestarting() });
    const client = await connectClient(config.temporal);
    running.push({ name: 'Temporal client', stop: () => client.connection.close() });
    // The embedded server registers DispatchPrompt itself; a cluster's operator may not have.
    if (config.temporal.kind === 'external') void warnIfPromptAttributeMissing(client, logger);
    gateway = await startGateway({
      config,
      client,
      desktopId,
      logger,
      version: await packageVersion(),
      keepAwake: () => readKeepAwakeState(config.home),
    });
    const started = gateway;
    running.push({ name: 'gateway', stop: () => started.close() });
  } catch (error) {
    await stopAll();
    throw error;
  }

  await workerReady;
  const ui = temporalWebUiUrl(config.temporal) ?? "your Temporal cluster's Web UI";
  const pairingUrl = runsAsService(process.env) ? undefined : gateway.pairingUrl();
  process.stdout.write(
    renderBanner({
      desktopId,
      home: config.home,
      temporalAddress: config.temporal.address,
      namespace: config.temporal.namespace,
      webUi: ui,
      phoneUrl: gateway.publicUrl,
      setupUrl: `${gateway.setupUrl}/setup`,
      pairingUrl,
      qr: pairingUrl && canDrawQr(process.stdout, process.env) ? await renderTerminalQr(pairingUrl) : undefined,
    }),
  );

  let stopping = false;
  await new Promise<void>((resolve) => {
    const stop = async (): Promise<void> => {
      if (stopping) return;
      stopping = true;
      process.stdout.write('Stopping OpenDispatch…\n');
      await stopAll();
      logger.close();
      resolve();
    };
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => void stop());
  });
}
