import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { portAnswers } from '../../worker/dev-server.js';
import { eventually } from '../helpers/async.js';
import { freePort } from '../helpers/temporal-server.js';
import { startXDisplay, type XDisplay } from '../helpers/x-display.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** Running, as a person would see it in `ps`: a zombie init has not reaped yet counts as gone. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] !== 'Z';
  } catch {
    return process.platform === 'linux' ? false : true;
  }
}

interface Start {
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Pids the supervisor logged for a part, in the order its runs started. */
  pids(part: 'Temporal server' | 'desktop worker'): number[];
}

async function start(env: NodeJS.ProcessEnv): Promise<Start> {
  // The supervisor logs each part's start as JSON in its log file (the terminal gets short lines).
  const logFile = path.join(String(env.DISPATCH_HOME), 'logs', 'opendispatch.log');
  const readLog = (): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  // Only this start's lines: earlier starts in the same data folder logged to the same file.
  const before = readLog().length;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'cli/opendispatch.ts'), 'start'], { env, cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const pids = (part: string): number[] =>
    readLog()
      .slice(before)
      .split('\n')
      .filter((line) => line.startsWith('{') && line.includes(`"message":"${part} started"`))
      .map((line) => (JSON.parse(line) as { pid: number }).pid);
  await eventually(async () => stdout, (text) => text.includes('Press Ctrl+C to stop.') || child.exitCode !== null, 90_000);
  if (child.exitCode !== null) throw new Error(`start exited early:\n${stdout}\n${stderr}`);
  return { child, exited, pids };
}

describe('opendispatch start as a supervisor', () => {
  let x: XDisplay;
  let env: NodeJS.ProcessEnv;
  let current: Start | undefined;
  const everyChild = new Set<number>();

  beforeAll(async () => {
    x = await startXDisplay({ width: 1024, height: 768 });
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DISPLAY: x.display,
      DISPATCH_HOME: await mkdtemp(path.join(os.tmpdir(), 'opendispatch-supervisor-')),
      DISPATCH_TEMPORAL_PORT: String(await freePort()),
      DISPATCH_TEMPORAL_UI_PORT: String(await freePort()),
      DISPATCH_PORT: String(await freePort()),
      ANTHROPIC_API_KEY: 'sk-ant-test-key',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
    };
  });

  afterEach(() => {
    for (const pid of [current?.child.pid, ...everyChild]) if (pid && running(pid)) process.kill(pid, 'SIGKILL');
    current = undefined;
  });

  afterAll(async () => {
    await x?.stop();
  });

  const healthz = async () => (await fetch(`http://127.0.0.1:${env.DISPATCH_PORT}/healthz`)).json() as Promise<{ status: string; temporal: boolean }>;
  const childrenOf = (started: Start): number[] => {
    const pids = [...started.pids('Temporal server'), ...started.pids('desktop worker')];
    for (const pid of pids) everyChild.add(pid);
    return pids;
  };

  it('restarts the Temporal server and the worker when either is killed, and SIGTERM then leaves no child running', async () => {
    current = await start(env);
    const [worker] = current.pids('desktop worker');
    const [temporal] = current.pids('Temporal server');
    expect(worker && running(worker)).toBe(true);
    expect(temporal && running(temporal)).toBe(true);

    process.kill(worker!, 'SIGKILL');
    const [, workerAgain] = await eventually(async () => current!.pids('desktop worker'), (pids) => pids.length === 2);
    expect(running(workerAgain!)).toBe(true);

    // The worker may fail and be restarted too while its server is away; what counts is that
    // the whole product comes back: Temporal answers and a worker polls it again.
    process.kill(temporal!, 'SIGKILL');
    const [, temporalAgain] = await eventually(async () => current!.pids('Temporal server'), (pids) => pids.length === 2);
    expect(running(temporalAgain!)).toBe(true);
    expect(await eventually(healthz, (health) => health.status === 'ok', 60_000)).toMatchObject({ temporal: true, worker: true });
    expect(running(current.child.pid!)).toBe(true);

    const children = childrenOf(current);
    current.child.kill('SIGTERM');
    expect(await current.exited).toBe(0);
    expect(children.filter(running)).toEqual([]);
    expect(await portAnswers(Number(env.DISPATCH_TEMPORAL_PORT))).toBe(false);
    expect(await portAnswers(Number(env.DISPATCH_PORT))).toBe(false);
  });

  it('leaves no child running when it is killed with SIGKILL, so the next start finds its ports free', async () => {
    current = await start(env);
    const children = childrenOf(current);
    expect(children).toHaveLength(2);
    current.child.kill('SIGKILL');
    await current.exited;
    await eventually(async () => children.filter(running), (alive) => alive.length === 0, 45_000);
    expect(await portAnswers(Number(env.DISPATCH_TEMPORAL_PORT))).toBe(false);

    current = await start(env);
    expect(childrenOf(current)).toHaveLength(2);
    current.child.kill('SIGTERM');
    expect(await current.exited).toBe(0);
  });
});
