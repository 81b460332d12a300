import { describe, expect, it } from 'vitest';
import { createLivenessJudge } from '../../gateway/worker-liveness.js';

describe('judging a desktop by its worker heartbeats', () => {
  it('is online while heartbeats keep coming, and offline ten seconds after they stop', () => {
    let now = 100_000;
    const judge = createLivenessJudge({ now: () => now });
    let sentAtMs = now;
    const beat = () => [{ instanceKey: 'w1', running: true, sentAtMs, intervalMs: 4_000 }];
    for (let i = 0; i < 5; i++) {
      expect(judge.judge(beat()).online).toBe(true);
      now += 4_000;
      sentAtMs = now;
    }
    now += 9_000;
    expect(judge.judge(beat()).online).toBe(true);
    now += 2_000;
    expect(judge.judge(beat())).toEqual({ online: false, lastSeenMs: sentAtMs });
  });

  it('is offline at once when the worker says it is shutting down', () => {
    const judge = createLivenessJudge({ now: () => 1_000 });
    expect(judge.judge([{ instanceKey: 'w1', running: false, sentAtMs: 1_000, intervalMs: 4_000 }]).online).toBe(false);
  });

  it('is online when any worker of the desktop is alive, a restarted one beside its stopped predecessor', () => {
    const judge = createLivenessJudge({ now: () => 50_000 });
    expect(
      judge.judge([
        { instanceKey: 'old', running: false, sentAtMs: 10_000, intervalMs: 4_000 },
        { instanceKey: 'new', running: true, sentAtMs: 49_000 },
      ]).online,
    ).toBe(true);
  });

  it('is not fooled by a desktop clock that runs behind: a heartbeat that changed counts from when it was seen', () => {
    let now = 1_000_000;
    const skew = -60_000;
    const judge = createLivenessJudge({ now: () => now });
    expect(judge.judge([{ instanceKey: 'w1', running: true, sentAtMs: now + skew, intervalMs: 4_000 }]).online).toBe(false);
    now += 4_000;
    expect(judge.judge([{ instanceKey: 'w1', running: true, sentAtMs: now + skew, intervalMs: 4_000 }]).online).toBe(true);
    now += 11_000;
    expect(judge.judge([{ instanceKey: 'w1', running: true, sentAtMs: now - 11_000 + skew, intervalMs: 4_000 }]).online).toBe(false);
  });

  it('gives a worker that says it beats rarely (the SDK default of 60 s) time for its next heartbeat', () => {
    let now = 0;
    const judge = createLivenessJudge({ now: () => now });
    expect(judge.judge([{ instanceKey: 'w1', running: true, sentAtMs: 0, intervalMs: 60_000 }]).online).toBe(true);
    now = 59_000;
    expect(judge.judge([{ instanceKey: 'w1', running: true, sentAtMs: 0, intervalMs: 60_000 }]).online).toBe(true);
  });

  it('shows a worker frozen right after it started offline as fast as any other', () => {
    let now = 0;
    const judge = createLivenessJudge({ now: () => now });
    expect(judge.judge([{ instanceKey: 'w1', running: true, sentAtMs: 0 }]).online).toBe(true);
    now = 10_001;
    expect(judge.judge([{ instanceKey: 'w1', running: true, sentAtMs: 0 }]).online).toBe(false);
  });
});
