import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createScheduleRequestSchema } from '../../common/api-schemas.js';
import type { TaskResult } from '../../common/contract.js';
import { changeSchedule, createSchedule, getSchedule, listSchedules } from '../../common/schedules.js';
import { eventually } from '../helpers/async.js';
import { startDesktopStack, type DesktopStack, type WorkerProcess } from '../helpers/desktop-stack.js';
import { endTurn } from '../helpers/fake-messages-api.js';

const run = promisify(execFile);

/** What Temporal's own CLI says about the namespace's schedules. */
async function temporalScheduleList(stack: DesktopStack): Promise<Array<{ scheduleId: string; info?: { paused?: boolean } }>> {
  const { stdout } = await run('temporal', ['schedule', 'list', '--address', stack.temporal.address, '--output', 'json']);
  const parsed = JSON.parse(stdout.trim() || '[]') as unknown;
  return (Array.isArray(parsed) ? parsed : []) as Array<{ scheduleId: string; info?: { paused?: boolean } }>;
}

describe('tasks given for later', () => {
  let stack: DesktopStack;
  let worker: WorkerProcess;

  beforeAll(async () => {
    stack = await startDesktopStack();
    worker = await stack.startWorker();
  });
  afterAll(async () => {
    await stack?.stop();
  });
  beforeEach(() => {
    stack.model.drain();
  });

  it('a schedule a few seconds ahead runs an ordinary task that succeeds, listed with its schedule', async () => {
    stack.model.enqueue(endTurn('Backed up the notes.'));
    const at = new Date(Date.now() + 4000);
    const { id, nextRunAt } = await createSchedule(stack.client, stack.config, { prompt: 'back up my notes', desktopId: stack.desktopId, timing: { at } });
    expect(new Date(nextRunAt!).getTime()).toBe(Math.floor(at.getTime() / 1000) * 1000);

    const schedule = await eventually(() => getSchedule(stack.client, id), (value) => value.recentRuns.length === 1, 30_000);
    const taskId = schedule.recentRuns[0]!.taskId;
    expect(taskId).toMatch(new RegExp(`^task-${id}-`));
    const result = (await stack.client.workflow.getHandle(taskId).result()) as TaskResult;
    expect(result).toMatchObject({ reason: 'completed', text: 'Backed up the notes.' });
    const memo = (await stack.client.workflow.getHandle(taskId).describe()).memo as { prompt?: string; scheduleId?: string };
    expect(memo).toMatchObject({ prompt: 'back up my notes', scheduleId: id });
    expect((await getSchedule(stack.client, id)).nextRunAt).toBeUndefined();
    // The run is found by its prompt in the Web UI's list, as a task given now is.
    const found = await eventually(
      async () => {
        const ids: string[] = [];
        for await (const execution of stack.client.workflow.list({ query: `DispatchPrompt = 'back up my notes'` })) ids.push(execution.workflowId);
        return ids;
      },
      (ids) => ids.includes(taskId),
      10_000,
    );
    expect(found).toEqual([taskId]);
  });

  it('a recurring schedule is created, listed, paused and deleted, and Temporal\'s own CLI sees each change', async () => {
    const { id } = await createSchedule(stack.client, stack.config, { prompt: 'water the plants report', desktopId: stack.desktopId, timing: { cron: '0 9 * * 1-5', timezone: 'Europe/Madrid' } });
    const listed = await eventually(() => listSchedules(stack.client), (all) => all.some((entry) => entry.id === id));
    expect(listed.find((entry) => entry.id === id)).toMatchObject({ prompt: 'water the plants report', cron: '0 9 * * 1-5', timezone: 'Europe/Madrid', paused: false });
    const next = new Date(listed.find((entry) => entry.id === id)!.nextRunAt!);
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Madrid', hour: '2-digit', minute: '2-digit', weekday: 'short' }).format(next)).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 09:00$/);
    expect(await eventually(() => temporalScheduleList(stack), (all) => all.some((entry) => entry.scheduleId === id))).toBeTruthy();

    await changeSchedule(stack.client, id, 'pause');
    expect((await getSchedule(stack.client, id)).paused).toBe(true);
    await eventually(() => temporalScheduleList(stack), (all) => all.find((entry) => entry.scheduleId === id)?.info?.paused === true);

    await changeSchedule(stack.client, id, 'delete');
    await eventually(() => temporalScheduleList(stack), (all) => !all.some((entry) => entry.scheduleId === id));
  });

  it('runs missed while the worker was away run once when it is back, not as a burst', async () => {
    const { id } = await createSchedule(stack.client, stack.config, { prompt: 'daily digest', desktopId: stack.desktopId, timing: { cron: '* * * * *', timezone: 'UTC' } });
    await changeSchedule(stack.client, id, 'pause');
    await worker.stop();
    // Three minutes of runs that came due while the desktop was away, as a catch-up delivers them.
    const now = Date.now();
    await stack.client.schedule.getHandle(id).backfill({ start: new Date(now - 3.5 * 60_000), end: new Date(now - 10_000) });
    // One run starts (and waits for the desktop); one more is buffered behind it; the rest are dropped.
    await eventually(() => getSchedule(stack.client, id), (value) => value.recentRuns.length >= 1, 30_000);

    stack.model.enqueue(endTurn('Digest sent.'), endTurn('a second digest would be a burst'));
    const before = stack.model.requests.length;
    worker = await stack.startWorker();
    const runs = await eventually(
      async () => {
        const schedule = await getSchedule(stack.client, id);
        const results = await Promise.all(schedule.recentRuns.map((entry) => stack.client.workflow.getHandle(entry.taskId).result() as Promise<TaskResult>));
        return results;
      },
      (results) => results.length >= 2,
      60_000,
    );
    expect(runs.filter((result) => result.reason === 'completed')).toHaveLength(1);
    expect(runs.filter((result) => result.reason === 'skipped').length).toBe(runs.length - 1);
    expect(stack.model.requests.length - before).toBe(1);
    await changeSchedule(stack.client, id, 'delete');
  });

  it('refuses a time in the past, a malformed cron, an unknown zone, both at and cron, or neither, naming the field', () => {
    const problem = (body: unknown) => {
      const parsed = createScheduleRequestSchema.safeParse(body);
      return parsed.success ? undefined : parsed.error.issues[0]!.path.join('.');
    };
    expect(problem({ prompt: 'x', at: '2020-01-01T00:00:00Z' })).toBe('at');
    expect(problem({ prompt: 'x', at: '2030-01-01T00:00:00' })).toBe('at');
    expect(problem({ prompt: 'x', cron: '61 * * * *' })).toBe('cron');
    expect(problem({ prompt: 'x', cron: '* * *' })).toBe('cron');
    expect(problem({ prompt: 'x', cron: '0 9 * * *', timezone: 'Mars/Olympus' })).toBe('timezone');
    expect(problem({ prompt: 'x', cron: '0 9 * * *', at: '2030-01-01T00:00:00Z' })).toBe('cron');
    expect(problem({ prompt: 'x' })).toBe('at');
    expect(problem({ prompt: 'x', cron: '0 9 * * MON-FRI', timezone: 'America/New_York' })).toBeUndefined();
    expect(problem({ prompt: 'x', at: '2030-01-01T09:00:00+01:00' })).toBeUndefined();
  });
});
