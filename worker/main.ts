import { loadConfig } from '../common/config.js';
import path from 'node:path';
import { secureDataFolder } from '../common/data-folder.js';
import { createProcessLogger } from '../common/logger.js';
import { createDesktopWorker } from './desktop-worker.js';
import { registerDesktop } from './desktop-registration.js';
import { resolveDesktopId } from './desktop-id.js';
import { runningTasksOf, startRetentionSweeper } from './retention-sweeper.js';
import { installTemporalRuntime } from './temporal-logging.js';
import { connectClient, connectWorker } from './temporal-connection.js';

/**
 * The desktop worker as its own process, so the supervisor (`opendispatch start`) can restart it
 * after a crash without touching the Temporal server. SIGINT/SIGTERM shut it down cleanly:
 * running activities get the grace time to finish, then the process exits.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  await secureDataFolder(config.home, { skip: config.roots });
  // JSON to its own rotating file (one writer per file); short lines on stderr, which
  // `opendispatch start` shows in its terminal.
  const logger = createProcessLogger({ component: 'worker', logFile: path.join(config.paths.logs, 'worker.log') });
  installTemporalRuntime(logger);
  const desktopId = await resolveDesktopId({ configured: config.desktopId, home: config.home });
  const connection = await connectWorker(config.temporal);
  const client = await connectClient(config.temporal);
  const { worker, keepAwake, browser, mcp, profile } = await createDesktopWorker({ config, desktopId, connection, client, logger });
  const retention = startRetentionSweeper({ config, runningTaskIds: runningTasksOf(client, desktopId), logger });

  // Ctrl+C in a terminal reaches this process and its supervisor alike; shut down once.
  let shuttingDown = false;
  const shutdown = (): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    worker.shutdown();
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  // Not awaited before polling: the record's first workflow task needs this worker to run it.
  const registered = registerDesktop({ client, desktopId, profile, logger });
  logger.info('desktop worker polling', { desktopId, taskQueue: `desktop-${desktopId}`, namespace: config.temporal.namespace });
  try {
    await worker.run();
  } finally {
    await registered;
    retention.stop();
    keepAwake.stop();
    // After the worker has stopped, so no browser call is still running in it.
    await browser.close();
    await mcp.close();
    await connection.close();
    await client.connection.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
