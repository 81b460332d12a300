import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { DispatchConfig } from '../common/config.js';
import type { Logger } from '../common/logger.js';
import { resolveDesktopId } from '../worker/desktop-id.js';
import { startDevServer } from '../worker/dev-server.js';
import { findTemporalCli } from '../worker/temporal-cli.js';
import { startGateway, type RunningGateway } from '../gateway/gateway.js';
import { renderTerminalQr } from '../gateway/pairing-routes.js';
import { readKeepAwakeState } from '../worker/keep-awake-state.js';
import { connectClient } from '../worker/temporal-connection.js';
import { startWorkerProcess, supervise } from './supervisor.js';
import { packageVersion } from './version.js';

/**
 * `opendispatch start`: the embedded Temporal dev server (unless TEMPORAL_ADDRESS points
 * elsewhere), the desktop worker and the phone gateway, as one supervised process tree. A part
 * that dies is restarted with back-off; Ctrl+C (or SIGTERM, or closing the terminal) stops them
 * all cleanly, and no child outlives this process even when it is killed (see `spawnTied`). The
 * next start finds every task where it was: the server's state is a SQLite file in the data folder.
 */
export async function runStart(config: Readonly<DispatchConfig>, logger: Logger): Promise<void> {
  await mkdir(config.paths.logs, { recursive: true });
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
    const worker = await supervise({
      name: 'desktop worker',
      logger,
      start: () => startWorkerProcess({ env, onOutput: (chunk) => process.stderr.write(chunk) }),
    });
    running.push({ name: 'desktop worker', stop: () => worker.stop(), stopRestarting: () => worker.stopRestarting() });
    const client = await connectClient(config.temporal);
    running.push({ name: 'Temporal client', stop: () => client.connection.close() });
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

  const ui = config.temporal.kind === 'embedded' ? `http://127.0.0.1:${config.temporal.uiPort}` : 'your Temporal cluster\'s Web UI';
  process.stdout.write(
    [
      `OpenDispatch is running for desktop "${desktopId}" (data: ${config.home}).`,
      `  Temporal:        ${config.temporal.address} (namespace ${config.temporal.namespace})`,
      `  Temporal Web UI: ${ui}`,
      `  Phone:           ${gateway.publicUrl}`,
      `  Setup page:      ${gateway.localUrl}/setup (on this desktop only)`,
      `  Start a task:    npm run task -- "what you want done"`,
      '',
      'Scan this with your phone\'s camera to pair it (the code works once, for 10 minutes;',
      '`npm run opendispatch -- pair` prints a fresh one):',
      await renderTerminalQr(gateway.pairingUrl()),
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  await new Promise<void>((resolve) => {
    const stop = async (): Promise<void> => {
      if (stopping) return;
      stopping = true;
      process.stdout.write('Stopping OpenDispatch…\n');
      await stopAll();
      resolve();
    };
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => void stop());
  });
}
