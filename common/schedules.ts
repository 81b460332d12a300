import { randomUUID } from 'node:crypto';
import { ScheduleNotFoundError, type Client, type ScheduleDescription, type ScheduleSummary } from '@temporalio/client';
import type { DispatchConfig } from './config.js';
import { desktopTaskQueue, WorkflowType, type TaskInput, type TaskMemo } from './contract.js';
import { startWithPromptAttribute } from './prompt-search-attribute.js';
import { taskInputFor, webUiSummary } from './task-starter.js';

/** Every schedule OpenDispatch makes has an id with this prefix; others in the namespace are left alone. */
export const SCHEDULE_ID_PREFIX = 'schedule-';

/** When a schedule runs: once at an instant, or on a 5-field cron in an IANA time zone. */
export type ScheduleTiming = { at: Date } | { cron: string; timezone: string };

export interface NewSchedule {
  prompt: string;
  desktopId: string;
  model?: string;
  timing: ScheduleTiming;
}

/** A schedule as the phone and the CLI show it. */
export interface ScheduleView {
  id: string;
  prompt: string;
  desktopId: string;
  model?: string;
  /** ISO instant for a one-off schedule, or the cron and its zone. */
  at?: string;
  cron?: string;
  timezone?: string;
  paused: boolean;
  nextRunAt?: string;
  /** The newest runs first: each an ordinary task. */
  recentRuns: Array<{ taskId: string; scheduledAt: string }>;
}

/** A schedule id the API accepts; anything else names no schedule of ours. */
export const SCHEDULE_ID_PATTERN = /^schedule-[0-9a-f]{8}$/;

/**
 * What the schedule's memo holds, so lists show the prompt without describing each schedule, and
 * the timing as the person gave it (Temporal turns a cron into calendar ranges).
 */
interface ScheduleMemo {
  prompt: string;
  desktopId: string;
  model?: string;
  at?: string;
  cron?: string;
  timezone?: string;
}

/**
 * Creates a Temporal Schedule that starts an ordinary task at each time. The Web UI's Schedules
 * page and `temporal schedule list` show it with the prompt as its memo and each run's summary.
 * Runs missed while the desktop (and so the embedded Temporal) slept are caught up within
 * DISPATCH_SCHEDULE_CATCHUP; a run due while the previous one still runs waits for it (BUFFER_ONE),
 * and a run that is due again before it could start is dropped rather than piled up.
 */
export async function createSchedule(client: Client, config: Readonly<DispatchConfig>, schedule: NewSchedule): Promise<{ id: string; nextRunAt?: string }> {
  const id = `${SCHEDULE_ID_PREFIX}${randomUUID().slice(0, 8)}`;
  const input: TaskInput = { ...taskInputFor(config, { prompt: schedule.prompt, desktopId: schedule.desktopId, model: schedule.model }), scheduleId: id };
  const taskMemo: TaskMemo = { prompt: schedule.prompt, desktopId: schedule.desktopId, model: input.model, scheduleId: id };
  const timing = 'at' in schedule.timing ? { at: schedule.timing.at.toISOString() } : { cron: schedule.timing.cron, timezone: schedule.timing.timezone };
  const memo: ScheduleMemo = { prompt: schedule.prompt, desktopId: schedule.desktopId, ...(schedule.model ? { model: schedule.model } : {}), ...timing };
  // The schedule and each run carry the prompt's first line where the namespace has the search
  // attribute, so both the Web UI's Schedules page and its workflow list can show and filter it.
  const handle = await startWithPromptAttribute(client, schedule.prompt, (typedSearchAttributes) =>
    client.schedule.create({
      scheduleId: id,
      spec: specFor(schedule.timing),
      action: {
        type: 'startWorkflow',
        workflowType: WorkflowType.agentTask,
        // Temporal appends each run's scheduled time to this id, so every run is a task of its own.
        workflowId: `task-${id}`,
        taskQueue: desktopTaskQueue(schedule.desktopId),
        args: [input],
        memo: taskMemo as unknown as Record<string, unknown>,
        typedSearchAttributes,
        staticSummary: webUiSummary(schedule.prompt),
      },
      policies: { overlap: 'BUFFER_ONE', catchupWindow: config.scheduleCatchupSeconds * 1000, pauseOnFailure: false },
      ...('at' in schedule.timing ? { state: { remainingActions: 1 } } : {}),
      memo: memo as unknown as Record<string, unknown>,
      typedSearchAttributes,
    }),
  );
  const described = await handle.describe();
  const next = described.info.nextActionTimes[0];
  return { id, ...(next ? { nextRunAt: next.toISOString() } : {}) };
}

function specFor(timing: ScheduleTiming) {
  if ('cron' in timing) return { cronExpressions: [timing.cron], timezone: timing.timezone };
  const at = timing.at;
  return {
    calendars: [{ year: at.getUTCFullYear(), month: MONTHS[at.getUTCMonth()]!, dayOfMonth: at.getUTCDate(), hour: at.getUTCHours(), minute: at.getUTCMinutes(), second: at.getUTCSeconds() }],
    timezone: 'UTC',
  };
}

const MONTHS = ['JANUARY', 'FEBRUARY', 'MARCH', 'APRIL', 'MAY', 'JUNE', 'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER', 'NOVEMBER', 'DECEMBER'] as const;

/** Our schedules, newest next run first, each with its recent runs. */
export async function listSchedules(client: Client): Promise<ScheduleView[]> {
  const views: ScheduleView[] = [];
  for await (const summary of client.schedule.list()) {
    if (SCHEDULE_ID_PATTERN.test(summary.scheduleId)) views.push(viewOf(summary));
  }
  return views.sort((a, b) => (a.nextRunAt ?? '~').localeCompare(b.nextRunAt ?? '~'));
}

/** One schedule, fresh from Temporal (the listing lags behind changes). */
export async function getSchedule(client: Client, id: string): Promise<ScheduleView> {
  return viewOf(await client.schedule.getHandle(id).describe());
}

function viewOf(schedule: ScheduleSummary | ScheduleDescription): ScheduleView {
  const memo = (schedule.memo ?? {}) as Partial<ScheduleMemo>;
  const next = schedule.info.nextActionTimes[0];
  return {
    id: schedule.scheduleId,
    prompt: String(memo.prompt ?? ''),
    desktopId: String(memo.desktopId ?? ''),
    ...(memo.model ? { model: memo.model } : {}),
    ...(memo.at ? { at: memo.at } : {}),
    ...(memo.cron ? { cron: memo.cron, timezone: memo.timezone ?? 'UTC' } : {}),
    paused: schedule.state.paused,
    ...(next ? { nextRunAt: next.toISOString() } : {}),
    recentRuns: [...schedule.info.recentActions]
      .reverse()
      .map((run) => ({ taskId: run.action.workflow.workflowId, scheduledAt: run.scheduledAt.toISOString() })),
  };
}

/** Whether `id` names an existing schedule of ours; used before acting on it. */
export async function scheduleExists(client: Client, id: string): Promise<boolean> {
  if (!SCHEDULE_ID_PATTERN.test(id)) return false;
  try {
    await client.schedule.getHandle(id).describe();
    return true;
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return false;
    throw error;
  }
}

export type ScheduleChange = 'pause' | 'unpause' | 'trigger' | 'delete';

/** Pauses, unpauses, runs now or deletes a schedule. Triggering runs it now as if it were due. */
export async function changeSchedule(client: Client, id: string, change: ScheduleChange): Promise<void> {
  const handle = client.schedule.getHandle(id);
  switch (change) {
    case 'pause':
      return handle.pause('Paused from OpenDispatch');
    case 'unpause':
      return handle.unpause('Unpaused from OpenDispatch');
    case 'trigger':
      return handle.trigger('ALLOW_ALL');
    case 'delete':
      return handle.delete();
  }
}
