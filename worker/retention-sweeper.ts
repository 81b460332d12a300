import type { Client } from '@temporalio/client';
import { pruneBlobs, pruneJournal } from '../activities/store/retention.js';
import type { DispatchConfig } from '../common/config.js';
import { desktopTaskQueue, WorkflowType } from '../common/contract.js';
import type { Logger } from '../common/logger.js';

const DAY_MS = 24 * 3600 * 1000;

/** What one sweep did; `blobsDeferred` when tasks were running and blobs were left for later. */
export interface SweepReport {
  blobs: number;
  journalFolders: number;
  bytes: number;
  blobsDeferred: boolean;
}

export interface RetentionDeps {
  config: Pick<Readonly<DispatchConfig>, 'retentionDays' | 'paths'>;
  /** Ids of this desktop's tasks that have not ended (queued or running). */
  runningTaskIds: () => Promise<string[]>;
  logger: Logger;
  now?: () => number;
}

/** This desktop's unfinished tasks, from Temporal's visibility store. */
export function runningTasksOf(client: Client, desktopId: string): () => Promise<string[]> {
  return async () => {
    const ids: string[] = [];
    const query = `WorkflowType = '${WorkflowType.agentTask}' AND ExecutionStatus = 'Running' AND TaskQueue = '${desktopTaskQueue(desktopId)}'`;
    for await (const execution of client.workflow.list({ query })) ids.push(execution.workflowId);
    return ids;
  };
}

/**
 * One retention pass (DISPATCH_RETENTION_DAYS): deletes blobs (screenshots, transcripts) and
 * journal folders not used for that many days. The policy, and why it is safe:
 * - Blobs are content-addressed and shared, so no blob belongs to one task. One is deleted when
 *   nothing stored or read it for N days, and only while this desktop runs no task: a task that
 *   waited for days (the desktop was off) may still point at an old screenshot or transcript.
 *   With tasks running, blobs wait for the next pass (tasks are capped at 30 days by
 *   DISPATCH_TASK_TIMEOUT, so the desktop is idle at some pass).
 * - Journal folders are per task: one is deleted when its newest record is N days old and its
 *   task is not running.
 * A finished task stays listed (its Temporal history is Temporal's to expire); its old
 * screenshots then show as missing on the phone.
 */
export async function sweepRetention(deps: RetentionDeps): Promise<SweepReport | undefined> {
  const days = deps.config.retentionDays;
  if (days <= 0) return undefined;
  let running: string[];
  try {
    running = await deps.runningTaskIds();
  } catch (error) {
    deps.logger.warn('retention skipped: cannot list running tasks', { error: (error as Error).message });
    return undefined;
  }
  const olderThan = new Date((deps.now ?? Date.now)() - days * DAY_MS);
  const journal = await pruneJournal(deps.config.paths.journal, olderThan, running);
  const blobs = running.length === 0 ? await pruneBlobs(deps.config.paths.blobs, olderThan) : { removed: 0, bytes: 0 };
  const report = { blobs: blobs.removed, journalFolders: journal.removed, bytes: blobs.bytes + journal.bytes, blobsDeferred: running.length > 0 };
  if (report.blobs + report.journalFolders > 0) deps.logger.info('removed data older than the retention period', { days, ...report });
  return report;
}

/**
 * Sweeps shortly after the worker starts and then every `intervalMs` (6 hours), in the
 * background: a slow disk never delays a task. `stop()` ends it.
 */
export function startRetentionSweeper(deps: RetentionDeps & { firstDelayMs?: number; intervalMs?: number }): { stop(): void } {
  if (deps.config.retentionDays <= 0) return { stop() {} };
  let sweeping = false;
  const sweep = (): void => {
    if (sweeping) return;
    sweeping = true;
    void sweepRetention(deps)
      .catch((error: unknown) => deps.logger.warn('retention sweep failed', { error: (error as Error).message }))
      .finally(() => (sweeping = false));
  };
  const first = setTimeout(sweep, deps.firstDelayMs ?? 30_000);
  const every = setInterval(sweep, deps.intervalMs ?? 6 * 3600 * 1000);
  first.unref();
  every.unref();
  return {
    stop() {
      clearTimeout(first);
      clearInterval(every);
    },
  };
}
