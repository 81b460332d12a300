import { WORKER_HEARTBEAT_INTERVAL_MS, WORKER_STALE_AFTER_MS } from '../common/worker-heartbeat.js';

/** One worker's newest heartbeat, as ListWorkers reports it. */
export interface HeartbeatReport {
  /** Stable for the life of one worker process. */
  instanceKey: string;
  /** The worker said it is running (not shutting down or shut down). */
  running: boolean;
  /** When it sent the heartbeat, by its own clock. */
  sentAtMs: number;
  /** Time between its last two heartbeats, as it reported; absent on its first. */
  intervalMs?: number;
}

/** How long a heartbeat counts, and the clock it is judged by. */
export interface LivenessOptions {
  /** A heartbeat counts for this long at least (longer for a worker that beats less often). */
  staleAfterMs?: number;
  /**
   * Interval assumed for a worker that has not reported one yet (before its second heartbeat):
   * the one every OpenDispatch worker uses. A worker that beats less often (the SDK's default is
   * 60 s) shows offline between its first two heartbeats, then by its own interval.
   */
  assumedIntervalMs?: number;
  now?: () => number;
}

/** Judges one desktop's workers by their heartbeats, remembering what it saw last time. */
export interface LivenessJudge {
  /** Whether any of one desktop's workers is alive now, and when one was last heard from (this machine's clock). */
  judge(reports: readonly HeartbeatReport[]): { online: boolean; lastSeenMs?: number };
}

interface Seen {
  sentAtMs: number;
  observedAt: number;
  /** When, by this machine's clock, the heartbeat last changed: at most when it was observed new. */
  heardAt: number;
}

/**
 * Judges worker heartbeats by this gateway's own clock, so a desktop whose clock is off is not
 * shown offline (or online) because of it: a heartbeat counts from when its timestamp says it was
 * sent, but never from before the gateway last saw the previous one. A worker is alive while it
 * reports itself running and was heard from within max(`staleAfterMs`, 2 × its interval + 2 s).
 */
export function createLivenessJudge(options: LivenessOptions = {}): LivenessJudge {
  const staleAfterMs = options.staleAfterMs ?? WORKER_STALE_AFTER_MS;
  const assumedIntervalMs = options.assumedIntervalMs ?? WORKER_HEARTBEAT_INTERVAL_MS;
  const now = options.now ?? Date.now;
  const seen = new Map<string, Seen>();

  return {
    judge(reports) {
      const at = now();
      let online = false;
      let lastSeenMs: number | undefined;
      for (const report of reports) {
        const previous = seen.get(report.instanceKey);
        const clockAge = Math.max(0, at - report.sentAtMs);
        const heardAt = !previous
          ? at - clockAge
          : report.sentAtMs !== previous.sentAtMs
            ? at - Math.min(clockAge, at - previous.observedAt)
            : previous.heardAt;
        seen.set(report.instanceKey, { sentAtMs: report.sentAtMs, observedAt: at, heardAt });
        const limit = Math.max(staleAfterMs, 2 * (report.intervalMs ?? assumedIntervalMs) + 2_000);
        if (report.running && at - heardAt <= limit) online = true;
        lastSeenMs = Math.max(lastSeenMs ?? 0, heardAt);
      }
      for (const [key, entry] of seen) if (at - entry.observedAt > 10 * 60_000) seen.delete(key);
      return lastSeenMs === undefined ? { online } : { online, lastSeenMs };
    },
  };
}
