import { afterEach, describe, expect, it, vi } from 'vitest';
import { createKeepAwake } from '../../worker/keep-awake.js';
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
});
