import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTask } from '../../common/task-starter.js';
import { loadConfig } from '../../common/config.js';
import { portAnswers } from '../../worker/dev-server.js';
import type { TaskResult } from '../../common/contract.js';
import { connectClient } from '../../worker/temporal-connection.js';
import { endTurn, startFakeMessagesApi, toolsetCall, toolsetReply, type FakeMessagesApi } from '../helpers/fake-messages-api.js';
import { freePort } from '../helpers/temporal-server.js';
import { startXDisplay, type XDisplay } from '../helpers/x-display.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

async function runStart(env: NodeJS.ProcessEnv): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'cli/opendispatch.ts'), 'start'], { env, cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 90_000;
  while (!stdout.includes('Press Ctrl+C to stop.')) {
    if (child.exitCode !== null) throw new Error(`start exited early:\n${stdout}\n${stderr}`);
    if (Date.now() > deadline) throw new Error(`start did not come up:\n${stdout}\n${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}


describe('npm start', () => {
  let x: XDisplay;
  let model: FakeMessagesApi;
  let env: NodeJS.ProcessEnv;
  let running: Started | undefined;

  beforeAll(async () => {
    x = await startXDisplay({ width: 1280, height: 800 });
    model = await startFakeMessagesApi();
    const home = await mkdtemp(path.join(os.tmpdir(), 'opendispatch-start-'));
    // A data folder an older release left readable by everyone.
    await chmod(home, 0o755);
    await mkdir(path.join(home, 'blobs', 'ab'), { recursive: true, mode: 0o755 });
    await writeFile(path.join(home, 'blobs', 'ab', 'cd'.repeat(31)), 'a screenshot', { mode: 0o644 });
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DISPLAY: x.display,
      DISPATCH_HOME: home,
      DISPATCH_TEMPORAL_PORT: String(await freePort()),
      DISPATCH_TEMPORAL_UI_PORT: String(await freePort()),
      DISPATCH_PORT: String(await freePort()),
      DISPATCH_SETUP_PORT: String(await freePort()),
      ANTHROPIC_API_KEY: 'sk-ant-test-key',
      ANTHROPIC_BASE_URL: model.baseURL,
    };
  });

  afterAll(async () => {
    running?.child.kill('SIGKILL');
    await model?.close();
    await x?.stop();
  });

  it('runs Temporal and the worker, stops cleanly on Ctrl+C, and the next start finds the task where it was', async () => {
    const config = loadConfig(env);
    running = await runStart(env);
    expect(running.stdout()).toContain(`Temporal Web UI: http://127.0.0.1:${env.DISPATCH_TEMPORAL_UI_PORT}`);
    const ui = await fetch(`http://127.0.0.1:${env.DISPATCH_TEMPORAL_UI_PORT}/`);
    expect(ui.status).toBe(200);
    const desktopId = /for desktop "([^"]+)"/.exec(running.stdout())![1]!;
    // Not a terminal here: the pairing link as text, no QR code, and the banner is the last thing printed.
    expect(running.stdout()).toMatch(/Open this link on your phone to pair it/);
    expect(running.stdout()).toMatch(/^ {2}http:\/\/\S+\/#pair=[A-Za-z0-9_-]{22,}$/m);
    expect(running.stdout()).not.toMatch(/[▀▄█]/);
    expect(running.stdout().endsWith('Press Ctrl+C to stop.\n')).toBe(true);
    // Short human lines in the terminal; the JSON goes to the rotating files in the data folder.
    expect(running.stderr()).toMatch(/desktop worker polling/);
    expect(running.stderr()).not.toMatch(/^\s*\{|^\s+at |Workflow bundle created|webpack/m);
    const home = env.DISPATCH_HOME!;
    for (const log of ['opendispatch.log', 'worker.log']) {
      const records = (await readFile(path.join(home, 'logs', log), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { level: string; message: string });
      expect(records.length).toBeGreaterThan(0);
      expect((await stat(path.join(home, 'logs', log))).mode & 0o777).toBe(0o600);
    }
    expect(await readFile(path.join(home, 'logs', 'worker.log'), 'utf8')).toMatch(/"message":"desktop worker polling"/);
    // Private: the folder and its folders 0700, its files 0600, the old ones fixed on start.
    for (const folder of [home, path.join(home, 'blobs', 'ab'), path.join(home, 'logs')]) expect((await stat(folder)).mode & 0o777, folder).toBe(0o700);
    for (const file of [path.join(home, 'blobs', 'ab', 'cd'.repeat(31)), path.join(home, 'temporal.sqlite'), path.join(home, 'desktop-id')]) {
      expect((await stat(file)).mode & 0o777, file).toBe(0o600);
    }
    expect(running.stdout()).toContain(`Setup page:      http://127.0.0.1:${env.DISPATCH_SETUP_PORT}/setup`);
    const gateway = `http://127.0.0.1:${env.DISPATCH_PORT}`;
    await expect.poll(async () => (await fetch(`${gateway}/healthz`)).status, { timeout: 30_000 }).toBe(200);
    const pair = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'cli/opendispatch.ts'), 'pair'], { env, cwd: REPO });
    let pairOutput = '';
    pair.stdout.on('data', (chunk: Buffer) => (pairOutput += chunk.toString()));
    expect(await new Promise((resolve) => pair.once('exit', resolve))).toBe(0);
    expect(pairOutput).toMatch(/#pair=[A-Za-z0-9_-]{22,}/);

    let release!: () => void;
    const thinking = new Promise<void>((resolve) => (release = resolve));
    // The default model speaks the computer toolset, so its calls are members carrying toolset_name.
    const move = () => toolsetReply(toolsetCall('mouse_move', { coordinate: [100, 100] }));
    model.enqueue({ ...move(), after: thinking }, move(), endTurn('finished after a restart'));
    let client = await connectClient(config.temporal);
    const taskId = await startTask(client, config, { prompt: 'survive a restart', desktopId });
    await model.waitForRequest(1);
    await client.connection.close();

    running.child.kill('SIGINT');
    expect(await running.exited).toBe(0);
    release();
    expect(await portAnswers(Number(env.DISPATCH_TEMPORAL_PORT))).toBe(false);
    expect(await portAnswers(Number(env.DISPATCH_PORT))).toBe(false);
    expect(await portAnswers(Number(env.DISPATCH_SETUP_PORT))).toBe(false);

    running = await runStart(env);
    expect(running.stdout()).toContain(`for desktop "${desktopId}"`);
    client = await connectClient(config.temporal);
    const handle = client.workflow.getHandle<() => Promise<TaskResult>>(taskId);
    const result = await handle.result();
    expect(result).toMatchObject({ reason: 'completed', text: 'finished after a restart' });
    expect(result.recentSteps.map((step) => step.description)).toEqual(['mouse move at (100, 100)']);
    await client.connection.close();

    running.child.kill('SIGINT');
    expect(await running.exited).toBe(0);
  });
});
