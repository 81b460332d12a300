import type { Client } from '@temporalio/client';
import type { DesktopPresenceReading } from '../common/api-schemas.js';
import { desktopTaskQueue } from '../common/contract.js';
import { WORKER_HEARTBEAT_INTERVAL_MS, WORKER_STALE_AFTER_MS } from '../common/worker-heartbeat.js';
import { createLivenessJudge, type HeartbeatReport, type LivenessJudge } from './worker-liveness.js';

/** Whether desktops' workers are alive, as Temporal sees them. */
export interface DesktopPresence {
  status(desktopId: string): Promise<DesktopPresenceReading>;
}

/**
 * Without heartbeats, pollers are all there is: a worker re-polls at least once a minute (a long
 * poll lasts up to 60 s, and the poller's last access time only moves when a poll starts or
 * ends), so only one silent for longer is known to be gone.
 */
const POLLER_STALE_AFTER_MS = 70_000;
const TASK_QUEUE_TYPE_WORKFLOW = 1;
const WORKER_STATUS_RUNNING = 1;
/** gRPC: the server does not offer ListWorkers (older than worker heartbeats), or this namespace may not use it. */
const UNSUPPORTED = new Set([7 /* PERMISSION_DENIED */, 9 /* FAILED_PRECONDITION */, 12 /* UNIMPLEMENTED */]);
/** How long what the server said about heartbeats (supported, refused) is believed before it is asked again. */
const RECHECK_HEARTBEATS_AFTER_MS = 5 * 60_000;
/**
 * Where workers heartbeat, one that has none yet has just started (its first comes one interval,
 * 4 s, after its first poll): it counts as online while its newest poll is this recent, not a minute.
 */
const FIRST_HEARTBEAT_DUE_MS = Math.max(WORKER_STALE_AFTER_MS, 2 * WORKER_HEARTBEAT_INTERVAL_MS + 2_000);

type Timestamp = { seconds?: { toNumber(): number } | number | string | null; nanos?: number | null } | null | undefined;
const millis = (time: Timestamp): number | undefined =>
  time ? Number(typeof time.seconds === 'object' && time.seconds !== null ? time.seconds.toNumber() : (time.seconds ?? 0)) * 1000 + Math.floor((time.nanos ?? 0) / 1e6) : undefined;

/**
 * Reads desktop presence from Temporal itself, so it is right for any desktop on the same
 * Temporal, not only the one this gateway runs on. First choice: the worker heartbeats each
 * desktop's worker sends every few seconds (ListWorkers, filtered by the desktop's task queue),
 * judged by {@link createLivenessJudge}: a worker that is stopped (it reports shutting down) is
 * offline at once, one that is frozen or killed within about ten seconds. A worker without a
 * heartbeat yet has just started: its pollers count for as long as its first heartbeat takes. Where
 * the namespace has no worker heartbeats (an older server, ListWorkers refused), the pollers on
 * the task queue decide, as before, within about a minute. Answers are cached briefly: many phones
 * asking at once cost one call.
 */
export function createDesktopPresence(deps: {
  client: Client;
  namespace: string;
  cacheMs?: number;
  now?: () => number;
  judge?: LivenessJudge;
}): DesktopPresence {
  const cacheMs = deps.cacheMs ?? 500;
  const now = deps.now ?? Date.now;
  const judge = deps.judge ?? createLivenessJudge({ now });
  const cache = new Map<string, { at: number; value: Promise<DesktopPresenceReading> }>();
  let heartbeatsChecked: { at: number; expected: Promise<boolean> } | undefined;

  /** Whether this namespace's workers send heartbeats (its `workerHeartbeats` capability), asked now and then. */
  function heartbeatsExpected(): Promise<boolean> {
    if (!heartbeatsChecked || now() - heartbeatsChecked.at >= RECHECK_HEARTBEATS_AFTER_MS) {
      const expected = deps.client.workflowService
        .describeNamespace({ namespace: deps.namespace })
        .then(
          (response) => response.namespaceInfo?.capabilities?.workerHeartbeats === true,
          () => {
            heartbeatsChecked = undefined;
            return false;
          },
        );
      heartbeatsChecked = { at: now(), expected };
    }
    return heartbeatsChecked.expected;
  }

  async function heartbeats(taskQueue: string): Promise<HeartbeatReport[]> {
    try {
      const response = await deps.client.workflowService.listWorkers({ namespace: deps.namespace, pageSize: 100, query: `TaskQueue = '${taskQueue}'` });
      return (response.workersInfo ?? []).flatMap(({ workerHeartbeat: beat }) => {
        const sentAtMs = millis(beat?.heartbeatTime);
        if (!beat?.workerInstanceKey || sentAtMs === undefined) return [];
        const intervalMs = millis(beat.elapsedSinceLastHeartbeat as Timestamp);
        return [{ instanceKey: beat.workerInstanceKey, running: beat.status === WORKER_STATUS_RUNNING, sentAtMs, ...(intervalMs ? { intervalMs } : {}) }];
      });
    } catch (error) {
      if (!UNSUPPORTED.has((error as { code?: number }).code ?? -1)) throw error;
      heartbeatsChecked = { at: now(), expected: Promise.resolve(false) };
      return [];
    }
  }

  async function pollers(desktopId: string, taskQueue: string, staleAfterMs: number): Promise<DesktopPresenceReading> {
    const response = await deps.client.workflowService.describeTaskQueue({ namespace: deps.namespace, taskQueue: { name: taskQueue }, taskQueueType: TASK_QUEUE_TYPE_WORKFLOW });
    const lastSeen = Math.max(0, ...(response.pollers ?? []).map((poller) => millis(poller.lastAccessTime) ?? 0));
    return {
      id: desktopId,
      online: lastSeen > 0 && now() - lastSeen < staleAfterMs,
      ...(lastSeen > 0 ? { lastSeen: new Date(lastSeen).toISOString() } : {}),
    };
  }

  const read = async (desktopId: string): Promise<DesktopPresenceReading> => {
    const taskQueue = desktopTaskQueue(desktopId);
    const expected = await heartbeatsExpected();
    const reports = expected ? await heartbeats(taskQueue) : [];
    if (reports.length === 0) return pollers(desktopId, taskQueue, expected && (await heartbeatsExpected()) ? FIRST_HEARTBEAT_DUE_MS : POLLER_STALE_AFTER_MS);
    const { online, lastSeenMs } = judge.judge(reports);
    return { id: desktopId, online, ...(lastSeenMs !== undefined ? { lastSeen: new Date(lastSeenMs).toISOString() } : {}) };
  };

  return {
    status(desktopId) {
      const cached = cache.get(desktopId);
      if (cached && now() - cached.at < cacheMs) return cached.value;
      const value = read(desktopId);
      cache.set(desktopId, { at: now(), value });
      value.catch(() => cache.delete(desktopId));
      return value;
    },
  };
}
