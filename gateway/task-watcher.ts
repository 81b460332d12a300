import type { Logger } from '../common/logger.js';
import type { PushStatus } from '../common/push-schemas.js';
import type { TaskChange } from './notification-text.js';
import type { NotifiedLog } from './notified-log.js';
import type { TaskExecutionView, TaskFeed } from './task-feed.js';

export interface TaskWatcherOptions {
  feed: TaskFeed;
  log: NotifiedLog;
  /** Sends one change everywhere it goes; resolves when done (failures are its own to log). */
  notify: (change: TaskChange) => Promise<void>;
  logger: Logger;
  pollMs?: number;
  clock?: () => number;
}

export interface TaskWatcher {
  start(): void;
  /** Looks now instead of at the next tick (a task just changed through the API). */
  poke(): void;
  /** Stops polling and waits for notifications under way, so their changes are recorded. */
  close(): Promise<void>;
}

/** Runs closing this long before the last look are listed again, for visibility that lags behind. */
const OVERLAP_MS = 10_000;
/** After a long stop, tasks that ended longer ago than this are not announced any more. */
const CATCH_UP_MS = 24 * 3600 * 1000;
const PRUNE_EVERY_MS = 3600 * 1000;
const CLOSE_GRACE_MS = 3_000;

/** What a run's state is worth a notification as: its key (one per change) and status, if any. */
async function changeOf(feed: TaskFeed, run: TaskExecutionView, known: (key: string) => boolean): Promise<{ key: string; status?: PushStatus } | undefined> {
  const prefix = `${run.taskId}/${run.runId}`;
  const progress = run.memo.progress;
  switch (run.status) {
    case 'RUNNING':
      if (progress?.phase === 'needs_input' && progress.question) return { key: `${prefix}/input/${progress.question.id}`, status: 'needs_input' };
      if (progress?.phase === 'needs_approval' && progress.approval) return { key: `${prefix}/approval/${progress.approval.id}`, status: 'needs_approval' };
      return undefined;
    case 'COMPLETED': {
      const key = `${prefix}/end`;
      if (known(key)) return { key };
      const result = progress?.result ?? (await feed.result(run.taskId, run.runId));
      if (result.reason === 'cancelled') return { key };
      return { key, status: result.reason === 'completed' ? 'succeeded' : 'failed' };
    }
    case 'FAILED':
    case 'TERMINATED':
    case 'TIMED_OUT':
      return { key: `${prefix}/end`, status: 'failed' };
    default:
      // Cancelled (the person did it) and continued-as-new (the task goes on) are not news.
      return undefined;
  }
}

/**
 * Finds the task changes a person should hear about (a question, an approval waiting, success,
 * failure) by listing running and recently closed tasks with their memos every `pollMs`, and
 * hands each to `notify` exactly once per change: keys are recorded in the notified log after
 * the notification went out, so a crash mid-send repeats it (the phone shows it once, by its tag)
 * rather than losing it, and a restart picks up what changed while the gateway was stopped.
 */
export function createTaskWatcher(options: TaskWatcherOptions): TaskWatcher {
  const { feed, log, logger } = options;
  const pollMs = options.pollMs ?? 250;
  const clock = options.clock ?? Date.now;
  const inFlight = new Map<string, Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;
  let stopped = false;
  let again = false;
  let lastPrune = 0;
  let lastWarning = 0;

  function dispatch(key: string, change: TaskChange | undefined): void {
    if (!change) {
      log.add(key);
      return;
    }
    const sending = options
      .notify(change)
      .catch((error: unknown) => logger.warn('could not notify a task change', { taskId: change.taskId, error: (error as Error).message }))
      .finally(() => {
        log.add(key);
        inFlight.delete(key);
      });
    inFlight.set(key, sending);
  }

  async function poll(): Promise<void> {
    const startedAt = clock();
    const since = Math.max(log.since() ?? startedAt, startedAt - CATCH_UP_MS) - OVERLAP_MS;
    const runs = await feed.list(since);
    for (const run of runs) {
      const known = (key: string) => log.has(key) || inFlight.has(key);
      try {
        const change = await changeOf(feed, run, known);
        if (!change || known(change.key)) continue;
        dispatch(change.key, change.status ? { taskId: run.taskId, status: change.status, prompt: run.memo.prompt } : undefined);
      } catch (error) {
        logger.warn('could not read how a task ended', { taskId: run.taskId, error: (error as Error).message });
      }
    }
    log.setSince(startedAt);
    if (startedAt - lastPrune > PRUNE_EVERY_MS) {
      lastPrune = startedAt;
      log.prune(new Set(runs.map((run) => run.taskId)));
    }
  }

  function tick(): void {
    timer = undefined;
    if (stopped) return;
    polling = poll()
      .catch((error: unknown) => {
        if (clock() - lastWarning > 60_000) {
          lastWarning = clock();
          logger.warn('could not look for task changes to notify', { error: (error as Error).message });
        }
      })
      .finally(() => {
        polling = undefined;
        if (stopped) return;
        timer = setTimeout(tick, again ? 0 : pollMs);
        again = false;
        timer.unref();
      });
  }

  return {
    start() {
      if (!timer && !polling && !stopped) tick();
    },
    poke() {
      if (polling) again = true;
      else if (timer && !stopped) {
        clearTimeout(timer);
        tick();
      }
    },
    async close() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await polling;
      // Sends still retrying after this are cut short; unrecorded, they go out again next start.
      const grace = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
      await Promise.race([Promise.all(inFlight.values()), grace]);
      await log.flush();
    },
  };
}
