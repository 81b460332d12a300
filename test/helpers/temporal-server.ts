import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../common/logger.js';
import { startDevServer, type DevServer } from '../../worker/dev-server.js';
import { findTemporalCli } from '../../worker/temporal-cli.js';

/** Ports this process has handed out, so two calls never return the same one. */
const handedOut = new Set<number>();

/** The lowest port the kernel hands out for `listen(0)` and outgoing connections (Linux), else a common default. */
function ephemeralPortsStart(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 12_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

/** Whether nothing listens on `port` on any interface now. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

/**
 * A port nobody listens on right now, below the kernel's ephemeral range: a port from that range
 * can be handed by the kernel to any process's `listen(0)` or outgoing connection (a Temporal dev
 * server binds several such ports of its own) between this check and the caller's bind.
 */
export async function freePort(): Promise<number> {
  const high = ephemeralPortsStart() - 1;
  const low = 10_000;
  for (let tries = 0; tries < 200; tries++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (handedOut.has(port) || !(await portIsFree(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port between ${low} and ${high}`);
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
