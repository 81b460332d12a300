import type { Client } from '@temporalio/client';
import type { Desktop } from '../common/api-schemas.js';
import { desktopTaskQueue } from '../common/contract.js';

/** Whether desktops' workers are polling their task queues, as Temporal sees them. */
export interface DesktopPresence {
  status(desktopId: string): Promise<Desktop>;
}

/** A worker re-polls at least once a minute; a poller silent for longer is gone. */
const DEFAULT_STALE_AFTER_MS = 70_000;
const TASK_QUEUE_TYPE_WORKFLOW = 1;

/**
 * Reads desktop presence from Temporal itself (the pollers on the desktop's task queue), so it is
 * right for any desktop on the same Temporal, not only the one this gateway runs on. Answers are
 * cached briefly: many phones asking at once cost one call.
 */
export function createDesktopPresence(deps: {
  client: Client;
  namespace: string;
  staleAfterMs?: number;
  cacheMs?: number;
  now?: () => number;
}): DesktopPresence {
  const staleAfterMs = deps.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const cacheMs = deps.cacheMs ?? 500;
  const now = deps.now ?? Date.now;
  const cache = new Map<string, { at: number; value: Promise<Desktop> }>();

  const read = async (desktopId: string): Promise<Desktop> => {
    const response = await deps.client.workflowService.describeTaskQueue({
      namespace: deps.namespace,
      taskQueue: { name: desktopTaskQueue(desktopId) },
      taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
    });
    const lastSeen = Math.max(
      0,
      ...(response.pollers ?? []).map((poller) => {
        const time = poller.lastAccessTime;
        return time ? Number(time.seconds ?? 0) * 1000 + Math.floor(Number(time.nanos ?? 0) / 1e6) : 0;
      }),
    );
    return {
      id: desktopId,
      online: lastSeen > 0 && now() - lastSeen < staleAfterMs,
      ...(lastSeen > 0 ? { lastSeen: new Date(lastSeen).toISOString() } : {}),
    };
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
