import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createKeepAwake } from '../../worker/keep-awake.js';

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
  it('holds an inhibitor while work runs and lets go once idle', async () => {
    const keepAwake = createKeepAwake({ logger: quiet, inhibitor: { command: 'sleep', args: ['600'] }, releaseAfterMs: 100 });
    const first = keepAwake.hold();
    const second = keepAwake.hold();
    expect(keepAwake.active).toBe(true);
    const inhibitor = keepAwake.inhibitorPid!;
    expect(alive(inhibitor)).toBe(true);
    first();
    await sleep(200);
    expect(keepAwake.active).toBe(true);
    second();
    await sleep(300);
    expect(keepAwake.active).toBe(false);
    expect(alive(inhibitor)).toBe(false);
    keepAwake.stop();
  });

  it('keeps working, without an inhibitor, where the platform has none', async () => {
    const warnings: string[] = [];
    const keepAwake = createKeepAwake({ logger: { ...quiet, warn: (message) => warnings.push(message) }, inhibitor: { command: 'no-such-inhibitor-here', args: [] } });
    const done = keepAwake.hold();
    await sleep(200);
    done();
    expect(keepAwake.active).toBe(false);
    expect(warnings.join()).toMatch(/cannot keep the desktop awake/);
    keepAwake.stop();
  });
});
