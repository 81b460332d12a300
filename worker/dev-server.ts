import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { Logger } from '../common/logger.js';
import { PROMPT_ATTRIBUTE, PROMPT_ATTRIBUTE_CLI_TYPE, registerPromptAttribute } from '../common/prompt-search-attribute.js';
import { spawnTied } from '../common/spawn-tied.js';

/** A running embedded Temporal dev server, persisted to a SQLite file. */
export interface DevServer {
  address: string;
  uiUrl: string;
  pid: number;
  /** Resolves with the exit code when the server process ends, for whatever reason. */
  exited: Promise<number | null>;
  /** Stops the server gracefully (SIGTERM, then SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

export interface DevServerOptions {
  cli: string;
  port: number;
  uiPort: number;
  databaseFile: string;
  namespace: string;
  logFile: string;
  logger: Logger;
  startTimeoutMs?: number;
  /** Temporal dynamic configuration, as `KEY=JSON` pairs. */
  dynamicConfig?: string[];
}

/** A port taken by another program: the server would fail to bind, so say so plainly first. */
export class PortInUseError extends Error {
  constructor(port: number, variable: string) {
    super(`Port ${port} is already in use on 127.0.0.1. Stop what uses it, or choose another port with ${variable}.`);
    this.name = 'PortInUseError';
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Makes sure the namespace has the search attributes tasks carry. `--search-attribute` adds them
 * only to a namespace the server creates, so a database made by an earlier release (every
 * upgraded desktop's) lacks them until this adds them. A failure is logged, not thrown: tasks start
 * without the attribute (see common/prompt-search-attribute.ts), so it must not stop the server.
 */
async function registerSearchAttributes(address: string, namespace: string, logger: Logger, ended: () => boolean): Promise<void> {
  const deadline = Date.now() + 15_000;
  let connection: Connection | undefined;
  try {
    for (;;) {
      try {
        connection ??= await Connection.connect({ address, connectTimeout: '5 seconds' });
        if ((await registerPromptAttribute(connection, namespace)) === 'added') {
          logger.info(`registered the ${PROMPT_ATTRIBUTE.name} search attribute in namespace ${namespace}`);
        }
        return;
      } catch (error) {
        // Just after start-up the frontend may answer before the namespace is ready.
        if (ended() || Date.now() > deadline) {
          logger.warn(`could not register the ${PROMPT_ATTRIBUTE.name} search attribute; tasks start without it`, { error: (error as Error).message });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  } finally {
    await connection?.close();
  }
}

/**
 * Starts `temporal server start-dev` on loopback with its state in `databaseFile`, so tasks
 * survive a restart of OpenDispatch or of the machine. Resolves once the frontend accepts
 * connections and the namespace has the search attributes tasks carry (or registering them
 * failed, which is logged); rejects if the server exits first or does not come up in time.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  if (await portAnswers(options.port)) throw new PortInUseError(options.port, 'DISPATCH_TEMPORAL_PORT');
  if (await portAnswers(options.uiPort)) throw new PortInUseError(options.uiPort, 'DISPATCH_TEMPORAL_UI_PORT');
  await mkdir(path.dirname(options.databaseFile), { recursive: true, mode: 0o700 });
  await mkdir(path.dirname(options.logFile), { recursive: true, mode: 0o700 });


  const log = createWriteStream(options.logFile, { flags: 'a', mode: 0o600 });
  log.on('error', (error) => options.logger.warn('cannot write the Temporal server log', { file: options.logFile, error: error.message }));
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    options.databaseFile,
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--log-level',
    'warn',
    // Registered in each namespace the server creates with its database; see registerSearchAttributes.
    '--search-attribute',
    `${PROMPT_ATTRIBUTE.name}=${PROMPT_ATTRIBUTE_CLI_TYPE}`,
    ...(options.dynamicConfig ?? []).flatMap((setting) => ['--dynamic-config-value', setting]),
  ];
  if (options.namespace !== 'default') args.push('--namespace', options.namespace);
  // The database holds every task's prompt and history: the server creates it (and SQLite its
  // journal files) private, under a umask that lasts only for the synchronous spawn.
  const umask = process.umask(0o077);
  let child: ReturnType<typeof spawnTied>;
  try {
    child = spawnTied(options.cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } finally {
    process.umask(umask);
  }
  // Two sources share the log: neither may end it, or the other's next line is a write after end.
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  child.once('close', () => log.end());

  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  const spawned = await new Promise<boolean>((resolve) => {
    child.once('spawn', () => resolve(true));
    child.once('error', () => resolve(false));
  });
  if (!spawned || child.pid === undefined) {
    log.end();
    throw new Error(`Could not run the Temporal CLI at ${options.cli}`);
  }

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  let ended = false;
  void exited.then(() => (ended = true));
  while (!(await portAnswers(options.port))) {
    if (ended) throw new Error(`The Temporal dev server exited while starting; see ${options.logFile}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The Temporal dev server did not start within ${options.startTimeoutMs ?? 60_000} ms; see ${options.logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  await registerSearchAttributes(`127.0.0.1:${options.port}`, options.namespace, options.logger, () => ended);

  const pid = child.pid;
  return {
    address: `127.0.0.1:${options.port}`,
    uiUrl: `http://127.0.0.1:${options.uiPort}`,
    pid,
    exited,
    async stop(graceMs = 10_000) {
      if (ended) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
