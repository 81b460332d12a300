import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { supervise, type PartProcess } from '../../cli/supervisor.js';
import { spawnTied } from '../../common/spawn-tied.js';
import { eventually } from '../helpers/async.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const quiet = { info() {}, warn() {}, error() {} };

/** Running, as `ps` shows it: a zombie nobody has reaped yet counts as gone. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').startsWith('Z');
  } catch {
    return false;
  }
}

/** A real process (`sleep`) as a part, tied to this test process. */
async function sleeper(): Promise<PartProcess> {
  const child = spawnTied('sleep', ['300'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  await new Promise((resolve) => child.once('spawn', resolve));
  return {
    pid: child.pid!,
    exited,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A part whose end the test decides. */
function fakePart(pid: number): PartProcess & { crash(): void } {
  let crash!: () => void;
  const exited = new Promise<void>((resolve) => (crash = resolve));
  return { pid, exited, crash, stop: async () => crash() };
}

describe('supervising a part of the product', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts a part killed with SIGKILL again, and leaves it stopped once told to stop', async () => {
    let starts = 0;
    const part = await supervise({ name: 'sleeper', start: () => (starts++, sleeper()), logger: quiet, initialDelayMs: 10 });
    const first = part.pid!;
    process.kill(first, 'SIGKILL');
    const second = await eventually(async () => part.pid, (pid) => pid !== undefined && pid !== first, 5_000);
    expect(running(second!)).toBe(true);
    // From here on the supervisor's back-off runs on a fake clock: a minute passes at once.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await part.stop();
    expect(running(second!)).toBe(false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(starts).toBe(2);
    expect(part.pid).toBeUndefined();
  });

  it('retries a part that cannot come back, waiting longer each time, until it can', async () => {
    const attempts: number[] = [];
    const parts: Array<ReturnType<typeof fakePart>> = [];
    const part = await supervise({
      name: 'flaky',
      logger: quiet,
      initialDelayMs: 20,
      start: async () => {
        attempts.push(Date.now());
        if (attempts.length > 1 && attempts.length < 5) throw new Error('port in use');
        const started = fakePart(attempts.length);
        parts.push(started);
        return started;
      },
    });
    parts[0]!.crash();
    expect(await eventually(async () => part.pid, (pid) => pid === 5, 5_000)).toBe(5);
    const gaps = attempts.slice(1).map((at, index) => at - attempts[index]!);
    expect(gaps[1]! + 5).toBeGreaterThanOrEqual(2 * 20);
    expect(gaps[3]! + 5).toBeGreaterThanOrEqual(8 * 20);
    await part.stop();
  });

  it('throws when a part cannot start the first time, so a person sees why', async () => {
    await expect(supervise({ name: 'broken', logger: quiet, start: () => Promise.reject(new Error('Port 7233 is already in use')) })).rejects.toThrow(/in use/);
  });

  it('does not start a part again while the tree is stopping', async () => {
    let starts = 0;
    const first = fakePart(1);
    const part = await supervise({ name: 'quiet', logger: quiet, initialDelayMs: 10, start: async () => (++starts === 1 ? first : fakePart(starts)) });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    part.stopRestarting();
    first.crash();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(starts).toBe(1);
    expect(part.pid).toBeUndefined();
  });
});

describe.skipIf(process.platform !== 'linux')('a tied child', () => {
  it('ends when the process that started it is killed with SIGKILL', async () => {
    const script = `import { spawnTied } from './common/spawn-tied.ts';
      const child = spawnTied('sleep', ['300'], { stdio: 'ignore' });
      child.once('spawn', () => process.stdout.write(String(child.pid) + '\\n'));
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    parent.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const pid = Number(await eventually(async () => output, (text) => text.includes('\n'), 20_000));
    expect(running(pid)).toBe(true);
    parent.kill('SIGKILL');
    await eventually(async () => running(pid), (alive) => !alive, 10_000);
  });
});
