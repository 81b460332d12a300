import { mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../common/logger.js';
import { startDevServer, type DevServer } from '../../worker/dev-server.js';
import { findTemporalCli } from '../../worker/temporal-cli.js';

/** A port nobody listens on right now, from the kernel. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface TestTemporal {
  server: DevServer;
  address: string;
  databaseFile: string;
  port: number;
  uiPort: number;
  /** Starts the server again on the same SQLite file and ports (after it was stopped or killed). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real `temporal server start-dev` on loopback with its own SQLite file and free ports, started
 * through the same code `npm start` uses.
 */
export async function startTestTemporal(options: { home?: string; dynamicConfig?: string[] } = {}): Promise<TestTemporal> {
  const home = options.home ?? (await mkdtemp(path.join(os.tmpdir(), 'opendispatch-temporal-')));
  const cli = await findTemporalCli({ explicit: process.env.TEMPORAL_CLI, binDir: path.join(home, 'bin'), allowDownload: false });
  const port = await freePort();
  let uiPort = await freePort();
  while (uiPort === port) uiPort = await freePort();
  const databaseFile = path.join(home, 'temporal.sqlite');
  const launch = () =>
    startDevServer({ cli, port, uiPort, databaseFile, namespace: 'default', logFile: path.join(home, 'temporal.log'), logger: createLogger('test-temporal', () => {}), dynamicConfig: options.dynamicConfig });
  const handle: TestTemporal = {
    server: await launch(),
    address: `127.0.0.1:${port}`,
    databaseFile,
    port,
    uiPort,
    async restart() {
      handle.server = await launch();
    },
    async stop() {
      await handle.server.stop();
    },
  };
  return handle;
}
