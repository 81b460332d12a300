import type { Client } from '@temporalio/client';
import { SCHEDULE_ID_PATTERN } from '../../common/schedules.js';

/** What a scheduled run learns about itself before it starts work. */
export interface ScheduledRunCheck {
  /** The run another run already covered: the previous run of its schedule did its work after this one was due. */
  superseded: boolean;
  /** When this run was due, as the schedule set it. */
  dueAt?: string;
}

/** When a workflow's first workflow task started: when a desktop actually picked it up. */
async function pickedUpAt(client: Client, workflowId: string): Promise<Date | undefined> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  for (const event of history.events ?? []) {
    if (event.workflowTaskStartedEventAttributes && event.eventTime?.seconds != null) {
      return new Date(Number(event.eventTime.seconds) * 1000 + Math.floor((event.eventTime.nanos ?? 0) / 1e6));
    }
  }
  return undefined;
}

/**
 * Activities for runs started by a schedule. Missed runs are caught up when the desktop wakes,
 * and a run due while the previous one waited is buffered; both would run back to back, a burst
 * of the same work. A run whose previous run was picked up by the desktop only after this one
 * was due is superseded: that run already did the work this one was for.
 */
export function createScheduledRunActivities(deps: { client: Client }) {
  async function checkScheduledRun(input: { taskId: string; scheduleId: string }): Promise<ScheduledRunCheck> {
    if (!SCHEDULE_ID_PATTERN.test(input.scheduleId)) return { superseded: false };
    const own = await deps.client.workflow.getHandle(input.taskId).describe();
    const due = (own.searchAttributes?.TemporalScheduledStartTime as Date[] | undefined)?.[0];
    if (!(due instanceof Date)) return { superseded: false };
    const schedule = await deps.client.schedule.getHandle(input.scheduleId).describe();
    const previous = schedule.info.recentActions
      .filter((action) => action.scheduledAt.getTime() < due.getTime() && action.action.workflow.workflowId !== input.taskId)
      .sort((a, b) => b.scheduledAt.getTime() - a.scheduledAt.getTime())[0];
    if (!previous) return { superseded: false, dueAt: due.toISOString() };
    const picked = await pickedUpAt(deps.client, previous.action.workflow.workflowId);
    return { superseded: picked !== undefined && picked.getTime() > due.getTime(), dueAt: due.toISOString() };
  }

  return { checkScheduledRun };
}
