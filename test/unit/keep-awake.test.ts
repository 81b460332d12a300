import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createKeepAwake, type KeepAwakeState } from '../../worker/keep-awake.js';
import { readKeepAwakeState, writeKeepAwakeState } from '../../worker/keep-awake-state.js';
import { eventually } from '../helpers/async.js';

const quiet = { info() {}, warn() {}, error() {} };
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('keeping the desktop awake', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('holds an inhibitor while work runs and lets go once idle', async () => {
    // The idle time is the keep-awake's own timer: played on a fake clock, the inhibitor is real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const keepAwake = createKeepAwake({ logger: quiet, inhibitor: { command: 'sleep', args: ['600'] }, releaseAfterMs: 100 });
    const first = keepAwake.hold();
    const second = keepAwake.hold();
    expect(keepAwake.active).toBe(true);
    const inhibitor = keepAwake.inhibitorPid!;
    expect(alive(inhibitor)).toBe(true);
    first();
    vi.advanceTimersByTime(60_000);
    expect(keepAwake.active).toBe(true);
    second();
    vi.advanceTimersByTime(99);
    expect(keepAwake.active).toBe(true);
    vi.advanceTimersByTime(1);
    expect(keepAwake.active).toBe(false);
    vi.useRealTimers();
    await eventually(async () => alive(inhibitor), (running) => !running, 10_000);
    keepAwake.stop();
  });

  it('keeps working, without an inhibitor, where the platform has none', async () => {
    const warnings: string[] = [];
    const keepAwake = createKeepAwake({ logger: { ...quiet, warn: (message) => warnings.push(message) }, inhibitor: { command: 'no-such-inhibitor-here', args: [] } });
    const done = keepAwake.hold();
    await eventually(async () => warnings.join(), (said) => /cannot keep the desktop awake/.test(said), 10_000);
    done();
    expect(keepAwake.active).toBe(false);
    expect(warnings.join()).toMatch(/cannot keep the desktop awake/);
    keepAwake.stop();
  });

  it('says why it cannot keep the desktop awake, in the inhibitor\'s own words, while the task goes on', async () => {
    const states: KeepAwakeState[] = [];
    const keepAwake = createKeepAwake({
      logger: quiet,
      inhibitor: { command: 'sh', args: ['-c', 'echo "Failed to inhibit: Access denied" >&2; exit 1'] },
      onChange: (state) => states.push(state),
    });
    const done = keepAwake.hold();
    await eventually(async () => states.at(-1), (state) => state?.mode === 'unavailable', 10_000);
    expect(states.at(-1)).toEqual({ mode: 'unavailable', active: false, reason: 'sh exited with code 1: Failed to inhibit: Access denied' });
    done();
    keepAwake.hold()();
    expect(states.at(-1)).toMatchObject({ mode: 'unavailable', active: false });
    keepAwake.stop();
  });

  it('finds out at start-up, before any task, that the inhibitor cannot be taken', async () => {
    const states: KeepAwakeState[] = [];
    const keepAwake = createKeepAwake({
      logger: quiet,
      inhibitor: { command: 'sh', args: ['-c', 'sleep 600'], check: ['-c', 'echo "Failed to connect to bus: No such file or directory" >&2; exit 1'] },
      onChange: (state) => states.push(state),
    });
    expect(states).toEqual([{ mode: 'sh', active: false }]);
    await eventually(async () => states.at(-1), (state) => state?.mode === 'unavailable', 10_000);
    expect(states.at(-1)).toEqual({ mode: 'unavailable', active: false, reason: 'sh exited with code 1: Failed to connect to bus: No such file or directory' });
    keepAwake.hold()();
    expect(keepAwake.active).toBe(false);
    keepAwake.stop();
  });

  it('stays ready after a start-up check that passes, and says so where there is no inhibitor at all', async () => {
    const states: KeepAwakeState[] = [];
    const checked = createKeepAwake({ logger: quiet, inhibitor: { command: 'true', args: [], check: [] }, onChange: (state) => states.push(state) });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(states).toEqual([{ mode: 'true', active: false }]);
    checked.stop();

    const none = createKeepAwake({ logger: quiet, onChange: (state) => states.push(state) });
    expect(states.at(-1)).toMatchObject({ mode: 'unavailable', active: false, reason: expect.stringMatching(/no sleep inhibitor OpenDispatch can use/) });
    none.stop();
  });
});

describe('the keep-awake state the setup page reads', () => {
  it('carries the reason from the worker to the page, and trusts nothing else in the file', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'od-awake-'));
    try {
      expect(readKeepAwakeState(home)).toEqual({ mode: 'unknown', active: false });
      writeKeepAwakeState(home, { mode: 'unavailable', active: false, reason: 'systemd-inhibit is not installed' });
      expect(readKeepAwakeState(home)).toMatchObject({ mode: 'unavailable', active: false, reason: 'systemd-inhibit is not installed', updatedAt: expect.any(String) });
      await writeFile(path.join(home, 'keep-awake.json'), JSON.stringify({ mode: 'systemd-inhibit', active: 'yes' }));
      expect(readKeepAwakeState(home)).toEqual({ mode: 'unknown', active: false });
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
