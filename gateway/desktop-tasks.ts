import type { ApiTaskStatus, TaskList, TaskListQuery, TaskSummary } from '../common/api-schemas.js';

/** Statuses of a task that has ended; every other one is still on its desktop's plate. */
const ENDED: ReadonlySet<ApiTaskStatus> = new Set(['succeeded', 'failed', 'cancelled']);

/** Whether a task has ended (succeeded, failed or was cancelled). */
export function hasEnded(task: Pick<TaskSummary, 'status'>): boolean {
  return ENDED.has(task.status);
}

/**
 * One desktop's tasks, for the setup page: every unfinished one, then the `recent` latest ended
 * ones, in the task list's order (unfinished first, then most recently ended). The list holds
 * every desktop on this Temporal, so it is read a page at a time until enough of this desktop's
 * ended tasks are found or `maxPages` pages were read; it uses the phone's page size, so the
 * gateway's short page cache serves both. A task that appears twice (a reset run) counts once.
 */
export async function desktopTasks(
  list: (query: TaskListQuery) => Promise<TaskList>,
  desktopId: string,
  options: { recent?: number; pageSize?: number; maxPages?: number } = {},
): Promise<TaskSummary[]> {
  const recent = options.recent ?? 10;
  const seen = new Set<string>();
  const unfinished: TaskSummary[] = [];
  const ended: TaskSummary[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < (options.maxPages ?? 4) && ended.length < recent; page++) {
    const { tasks, nextCursor } = await list({ limit: options.pageSize ?? 50, ...(cursor ? { cursor } : {}) });
    for (const task of tasks) {
      if (task.desktopId !== desktopId || seen.has(task.id)) continue;
      seen.add(task.id);
      if (!hasEnded(task)) unfinished.push(task);
      else if (ended.length < recent) ended.push(task);
    }
    if (!nextCursor) break;
    cursor = nextCursor;
  }
  return [...unfinished, ...ended];
}
