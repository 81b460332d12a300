import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TaskResult } from '../../common/contract.js';
import { changeSchedule, getSchedule, listSchedules, scheduleExists } from '../../common/schedules.js';
import { eventually } from '../helpers/async.js';
import { endTurn } from '../helpers/fake-messages-api.js';
import { startDesktopStack, type DesktopStack } from '../helpers/desktop-stack.js';
import { runCli } from '../helpers/run-cli.js';


const cli = (stack: DesktopStack, args: string[]) => runCli({ ...stack.env, DISPATCH_PUBLIC_URL: 'http://192.0.2.7:8787' }, args);

const scheduleIdIn = (text: string): string => /Schedule (schedule-[0-9a-f]{8}) made/.exec(text)![1]!;

describe('schedules on the command line', () => {
  let stack: DesktopStack;

  beforeAll(async () => {
    stack = await startDesktopStack();
    await stack.startWorker();
  });

  afterEach(async () => {
    // Each test starts with no schedules: the ones it made are deleted, and the listing agrees.
    for (const { id } of await listSchedules(stack.client)) if (await scheduleExists(stack.client, id)) await changeSchedule(stack.client, id, 'delete');
    await eventually(() => listSchedules(stack.client), (all) => all.length === 0);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** `schedule add` of a weekday schedule on a cron. */
  const addWeekdays = async () => {
    const cron = await cli(stack, ['schedule', 'add', 'water the plants report', '--cron', '0 9 * * 1-5', '--tz', 'Europe/Madrid']);
    return { cron, weekdays: scheduleIdIn(cron.stdout) };
  };
  /** `schedule add` of a one-off an hour from now, written with a +02:00 offset as a person elsewhere might. */
  const addOnce = async () => {
    const at = new Date(Math.ceil((Date.now() + 3_600_000) / 60_000) * 60_000);
    const local = new Date(at.getTime() + 2 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+02:00');
    const oneOff = await cli(stack, ['schedule', 'add', 'send the weekly report', '--at', local, '--model', 'claude-opus-4-7']);
    return { at, oneOff, once: scheduleIdIn(oneOff.stdout) };
  };

  it('adds a weekday schedule on a cron and a one-off at a time, each with its next run', async () => {
    const { cron, weekdays } = await addWeekdays();
    expect(cron.stderr).toBe('');
    expect(cron.code).toBe(0);
    expect(cron.stdout).toMatch(/^Schedule schedule-[0-9a-f]{8} made: Weekdays at 09:00 \(Europe\/Madrid time\), on desktop test-/);
    expect(cron.stdout).toMatch(/Next run: {2}\w{3}, .+ \(in \d+ (hours|days)\)|Next run: {2}\w{3}, .+ \(tomorrow\)/);
    const made = await getSchedule(stack.client, weekdays);
    expect(made).toMatchObject({ prompt: 'water the plants report', cron: '0 9 * * 1-5', timezone: 'Europe/Madrid', desktopId: stack.desktopId, paused: false });
    const next = new Date(made.nextRunAt!);
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Madrid', hour: '2-digit', minute: '2-digit', weekday: 'short' }).format(next)).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 09:00$/);

    const { at, oneOff, once } = await addOnce();
    expect(oneOff.code).toBe(0);
    expect(oneOff.stdout).toMatch(/made: Once, on desktop/);
    expect(oneOff.stdout).toMatch(/Next run: {2}.+\(in (60 minutes|1 hour)\)/);
    expect(await getSchedule(stack.client, once)).toMatchObject({ at: at.toISOString(), nextRunAt: at.toISOString(), model: 'claude-opus-4-7' });
  });

  it('lists both, with their prompt, repeat and next run', async () => {
    const { weekdays } = await addWeekdays();
    const { once } = await addOnce();
    // Temporal's listing catches up with a new schedule within a moment.
    await expect.poll(async () => (await cli(stack, ['schedule', 'list'])).stdout, { timeout: 15_000 }).toContain(once);
    const list = await cli(stack, ['schedule', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${weekdays} {2}Weekdays at 09:00 \\(Europe/Madrid time\\)$`, 'm'));
    expect(list.stdout).toMatch(new RegExp(`^${once} {2}Once$`, 'm'));
    expect(list.stdout).toContain('  Prompt:    water the plants report');
    expect(list.stdout).toContain(`  Desktop:   ${stack.desktopId}, model claude-opus-4-7`);
    expect(list.stdout.match(/^ {2}Next run: {2}\w{3}, /gm)).toHaveLength(2);
  });

  it('pauses a schedule, and running it now still starts an ordinary task that the list shows', async () => {
    const { weekdays } = await addWeekdays();
    const pause = await cli(stack, ['schedule', 'pause', weekdays]);
    expect(pause.code).toBe(0);
    expect(pause.stdout).toContain(`Paused schedule ${weekdays}`);
    expect((await getSchedule(stack.client, weekdays)).paused).toBe(true);
    const paused = await cli(stack, ['schedule', 'list']);
    expect(paused.stdout).toMatch(new RegExp(`^${weekdays} .*\\[paused\\]$`, 'm'));
    expect(paused.stdout).toContain(`Next run:  none while paused (\`opendispatch schedule unpause ${weekdays}\`)`);

    stack.model.enqueue(endTurn('Plants report sent.'));
    const trigger = await cli(stack, ['schedule', 'trigger', weekdays]);
    expect(trigger.code).toBe(0);
    const taskId = new RegExp(`Schedule ${weekdays} started task (task-${weekdays}-\\S+)\\.`).exec(trigger.stdout)?.[1];
    expect(taskId, trigger.stdout).toBeDefined();
    expect(trigger.stdout).toContain(`On your phone: http://192.0.2.7:8787/?task=${encodeURIComponent(taskId!)}`);
    expect(((await stack.client.workflow.getHandle(taskId!).result()) as TaskResult).reason).toBe('completed');

    const after = await cli(stack, ['schedule', 'list']);
    expect(after.stdout).toMatch(new RegExp(`Last runs: .+ {2}succeeded {2}${taskId}`));
    const unpause = await cli(stack, ['schedule', 'unpause', weekdays]);
    expect(unpause.stdout).toMatch(/runs again\. Next run: \w{3}, /);
  });

  it('removes schedules; an id that names none is exit 1, and nothing else is touched', async () => {
    const { weekdays } = await addWeekdays();
    const { once } = await addOnce();
    const rm = await cli(stack, ['schedule', 'rm', weekdays]);
    expect(rm.code).toBe(0);
    expect(rm.stdout).toContain(`Deleted schedule ${weekdays}`);
    expect(await scheduleExists(stack.client, weekdays)).toBe(false);
    expect(await scheduleExists(stack.client, once)).toBe(true);
    const again = await cli(stack, ['schedule', 'rm', weekdays]);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain(`No schedule ${weekdays}`);
    expect((await cli(stack, ['schedule', 'rm', once])).code).toBe(0);
    await expect.poll(async () => (await cli(stack, ['schedule', 'list'])).stdout, { timeout: 15_000 }).toMatch(/^No schedules\./);
  });

  it('refuses a bad cron, a zone without a cron or a time without an offset with exit 2, naming the flag, and makes nothing', async () => {
    const before = (await listSchedules(stack.client)).length;
    const badCron = await cli(stack, ['schedule', 'add', 'tidy up', '--cron', '0 25 * * *']);
    expect(badCron.code).toBe(2);
    expect(badCron.stderr).toMatch(/^--cron: hour: "25" is not within 0-23/);
    expect(badCron.stdout).toBe('');
    const zoneOnly = await cli(stack, ['schedule', 'add', 'tidy up', '--at', '2099-01-01T09:00:00+01:00', '--tz', 'Europe/Madrid']);
    expect(zoneOnly.code).toBe(2);
    expect(zoneOnly.stderr).toMatch(/^--tz: a time zone goes with cron/);
    const noOffset = await cli(stack, ['schedule', 'add', 'tidy up', '--at', '2099-01-01T09:00']);
    expect(noOffset.code).toBe(2);
    expect(noOffset.stderr).toMatch(/^--at: .*e\.g\. 2027-03-01T15:00:00\+01:00/);
    expect((await cli(stack, ['schedule', 'pause', 'not-a-schedule'])).code).toBe(2);
    expect((await cli(stack, ['schedule', 'add', '--help'])).stdout).toContain('--cron "<fields>"');
    expect((await listSchedules(stack.client)).length).toBe(before);
  });
});
