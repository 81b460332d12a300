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
  const databaseFile = path.join(home, 'temporal.sqlite');
  let port = 0;
  let uiPort = 0;
  const launch = () =>
    startDevServer({ cli, port, uiPort, databaseFile, namespace: 'default', logFile: path.join(home, 'temporal.log'), logger: createLogger('test-temporal', () => {}), dynamicConfig: options.dynamicConfig });
  // A free port can be taken by another process before the server binds it (the server also
  // binds ports of its own choosing): a server that exits while starting gets fresh ports.
  let server: DevServer | undefined;
  for (let attempt = 1; !server; attempt++) {
    port = await freePort();
    uiPort = await freePort();
    while (uiPort === port) uiPort = await freePort();
    try {
      server = await launch();
    } catch (error) {
      if (attempt >= 3 || !/exited while starting/.test(String(error))) throw error;
    }
  }
  const handle: TestTemporal = {
    server,
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
