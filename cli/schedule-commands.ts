import type { Client } from '@temporalio/client';
import { createScheduleRequestSchema, scheduleIdParamsSchema, type CreateScheduleRequest } from '../common/api-schemas.js';
import type { DispatchConfig } from '../common/config.js';
import { describeRepeat } from '../common/schedule-words.js';
import type { ScheduleChange, ScheduleTiming, ScheduleView } from '../common/schedules.js';
import { COMMAND_HELP, ExitCode, parseCommand, UsageError } from './usage.js';

type Write = (line: string) => void;
type Change = 'rm' | 'pause' | 'unpause' | 'trigger';
type Subcommand = 'add' | 'list' | Change;

/** One `opendispatch schedule …` command line, checked: nothing reaches Temporal before this. */
export type ScheduleAction = { kind: 'add'; request: CreateScheduleRequest; timing: ScheduleTiming } | { kind: 'list' } | { kind: Change; id: string };

const LOCAL_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

const SUBCOMMAND_HELP: Record<Subcommand, string> = {
  add: `opendispatch schedule add "<prompt>" (--at <time> | --cron "<5 fields>" [--tz <zone>]) [options]
  Gives a task for later: once at a time, or again and again on a cron.
      --at <time>        once, at an ISO 8601 time with its offset, e.g. 2027-03-01T15:00:00+01:00
      --cron "<fields>"  repeating: minute hour day-of-month month day-of-week,
                         e.g. "0 9 * * 1-5" for weekdays at 9:00
      --tz <zone>        the IANA time zone of --cron's times (default: this machine's, ${LOCAL_ZONE})
      --model <id>       the Claude model, e.g. claude-opus-4-7 (default: DISPATCH_MODEL)
      --desktop <id>     the desktop that carries it out (default: this one)
  Each run is an ordinary task. Runs missed while the desktop slept run once when it wakes, if
  they were due within DISPATCH_SCHEDULE_CATCHUP (6h by default); never as a burst.`,
  list: `opendispatch schedule list
  Lists the schedules: their prompt, repeat, next run and last runs with their status.`,
  rm: `opendispatch schedule rm <schedule id>
  Deletes a schedule. The tasks it already ran stay in \`opendispatch list\`.`,
  pause: `opendispatch schedule pause <schedule id>
  Pauses a schedule: it runs no more until \`opendispatch schedule unpause\`.`,
  unpause: `opendispatch schedule unpause <schedule id>
  Lets a paused schedule run again from its next due time.`,
  trigger: `opendispatch schedule trigger <schedule id>
  Runs a schedule now, as if it were due, and prints the task it started.`,
};

/** The flag a person typed for each field of the API's request, so a refusal names what to fix. */
const FLAGS: Record<string, string> = { prompt: 'the prompt', at: '--at', cron: '--cron', timezone: '--tz', model: '--model', desktopId: '--desktop' };
const EXAMPLES: Record<string, string> = { at: 'e.g. 2027-03-01T15:00:00+01:00', cron: 'e.g. "0 9 * * 1-5"', timezone: 'e.g. Europe/Madrid' };

const ADD_OPTIONS = { at: { type: 'string' }, cron: { type: 'string' }, tz: { type: 'string' }, model: { type: 'string' }, desktop: { type: 'string' } } as const;

const isSubcommand = (word: string): word is Subcommand => Object.hasOwn(SUBCOMMAND_HELP, word);

/**
 * Reads `schedule <add|list|rm|pause|unpause|trigger> …`. `add` is checked with the very schema
 * `POST /api/schedules` uses, so the command line and the phone accept and refuse the same
 * things; a refusal is a {@link UsageError} naming the flag (exit 2). Undefined after `--help`.
 */
export function parseScheduleCommand(args: string[], write: (text: string) => void): ScheduleAction | undefined {
  const [sub, ...rest] = args;
  if (sub === undefined) throw new UsageError('schedule takes one of add, list, rm, pause, unpause or trigger.', 'schedule');
  if (sub === '--help' || sub === '-h') {
    write(`${COMMAND_HELP.schedule}\n`);
    return undefined;
  }
  if (!isSubcommand(sub)) throw new UsageError(`Unknown schedule command "${sub}"; use add, list, rm, pause, unpause or trigger.`, 'schedule');
  if (rest.includes('--help') || rest.includes('-h')) {
    write(`${SUBCOMMAND_HELP[sub]}\n`);
    return undefined;
  }
  if (sub === 'add') return parseAdd(rest, write);
  const { positionals } = parseCommand('schedule', rest, {}, write)!;
  if (sub === 'list') {
    if (positionals.length > 0) throw new UsageError('schedule list takes no arguments.', 'schedule');
    return { kind: 'list' };
  }
  const [id, ...extra] = positionals;
  if (id === undefined || extra.length > 0) throw new UsageError(`schedule ${sub} takes one schedule id (see \`opendispatch schedule list\`).`, 'schedule');
  if (!scheduleIdParamsSchema.safeParse({ id }).success) throw new UsageError(`"${id}" is not a schedule id; schedule ids look like schedule-1a2b3c4d.`, 'schedule');
  return { kind: sub, id };
}

function parseAdd(args: string[], write: (text: string) => void): ScheduleAction {
  const { values, positionals } = parseCommand('schedule', args, ADD_OPTIONS, write)!;
  const prompt = positionals.join(' ').trim();
  if (prompt === '') throw new UsageError('A schedule needs a prompt: what the agent should do each time, in quotes.', 'schedule');
  const candidate = {
    prompt,
    ...(values.at !== undefined ? { at: values.at } : {}),
    ...(values.cron !== undefined ? { cron: values.cron } : {}),
    ...(values.tz !== undefined ? { timezone: values.tz } : {}),
    ...(values.model !== undefined ? { model: values.model } : {}),
    ...(values.desktop !== undefined ? { desktopId: values.desktop } : {}),
  };
  const parsed = createScheduleRequestSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? 'prompt');
    const example = EXAMPLES[field] && issue.message !== 'that time has passed' ? ` (${EXAMPLES[field]})` : '';
    throw new UsageError(`${FLAGS[field] ?? field}: ${issue.message}${example}.`, 'schedule');
  }
  const request = parsed.data;
  const timing: ScheduleTiming = request.at !== undefined ? { at: new Date(request.at) } : { cron: request.cron!, timezone: request.timezone ?? LOCAL_ZONE };
  return { kind: 'add', request, timing };
}

/** "in 2 days", "5 minutes ago". */
function relative(ms: number): string {
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  const size = Math.abs(ms);
  if (size < 60_000) return format.format(Math.round(ms / 1000), 'second');
  if (size < 3_600_000) return format.format(Math.round(ms / 60_000), 'minute');
  if (size < 86_400_000) return format.format(Math.round(ms / 3_600_000), 'hour');
  return format.format(Math.round(ms / 86_400_000), 'day');
}

/** A time on this machine's clock with how far off it is: "Mon, Nov 3, 09:00 AM (in 2 days)". */
function when(iso: string, now: number): string {
  const date = new Date(iso);
  const sameYear = date.getFullYear() === new Date(now).getFullYear();
  const text = date.toLocaleString(undefined, { weekday: 'short', month: 'short', day: 'numeric', ...(sameYear ? {} : { year: 'numeric' }), hour: '2-digit', minute: '2-digit' });
  return `${text} (${relative(date.getTime() - now)})`;
}

const oneLine = (text: string, max: number): string => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

function nextRunText(schedule: ScheduleView, now: number): string {
  if (schedule.paused) return `none while paused (\`opendispatch schedule unpause ${schedule.id}\`)`;
  if (schedule.nextRunAt) return when(schedule.nextRunAt, now);
  return schedule.at ? 'none: it has run' : 'none';
}

/** A schedule as `schedule list` prints it: a head line, then its details indented. */
function describeSchedule(schedule: ScheduleView, statuses: Map<string, string>, now: number): string[] {
  const runs = schedule.recentRuns.slice(0, 5);
  return [
    `${schedule.id}  ${describeRepeat(schedule)}${schedule.paused ? '  [paused]' : ''}`,
    `  Prompt:    ${oneLine(schedule.prompt, 200)}`,
    `  Desktop:   ${schedule.desktopId}${schedule.model ? `, model ${schedule.model}` : ''}`,
    `  Next run:  ${nextRunText(schedule, now)}`,
    ...runs.map((run, index) => `  ${index === 0 ? 'Last runs: ' : '           '}${when(run.scheduledAt, now)}  ${(statuses.get(run.taskId) ?? 'unknown').padEnd(9)}  ${run.taskId}`),
  ];
}

/**
 * Runs a checked {@link ScheduleAction} against Temporal through common/schedules.ts, printing
 * what changed in words. An id that names no schedule is exit 1, like an unknown task.
 */
export async function runScheduleCommand(
  client: Client,
  config: Readonly<DispatchConfig>,
  action: ScheduleAction,
  options: { desktopId: string; write: Write; now?: () => number },
): Promise<number> {
  const { write } = options;
  const now = options.now ?? Date.now;
  const schedules = await import('../common/schedules.js');
  switch (action.kind) {
    case 'add': {
      const { request, timing } = action;
      const desktopId = request.desktopId ?? options.desktopId;
      const created = await schedules.createSchedule(client, config, { prompt: request.prompt, desktopId, model: request.model, timing });
      const repeat = 'cron' in timing ? describeRepeat(timing) : 'Once';
      write(`Schedule ${created.id} made: ${repeat}, on desktop ${desktopId}.`);
      write(`  Next run:  ${created.nextRunAt ? when(created.nextRunAt, now()) : 'none'}`);
      write('  Each run is an ordinary task; `opendispatch schedule list` shows them.');
      return ExitCode.done;
    }
    case 'list':
      return listCommand(client, config, options.desktopId, write, now());
    default: {
      if (!(await schedules.scheduleExists(client, action.id))) {
        write(`No schedule ${action.id}; see \`opendispatch schedule list\`.`);
        return ExitCode.failed;
      }
      if (action.kind === 'trigger') return triggerCommand(client, config, action.id, write);
      const change: ScheduleChange = action.kind === 'rm' ? 'delete' : action.kind;
      await schedules.changeSchedule(client, action.id, change);
      if (change === 'delete') write(`Deleted schedule ${action.id}. The tasks it ran stay in \`opendispatch list\`.`);
      else if (change === 'pause') write(`Paused schedule ${action.id}: it runs no more until \`opendispatch schedule unpause ${action.id}\`.`);
      else {
        const next = (await schedules.getSchedule(client, action.id)).nextRunAt;
        write(`Schedule ${action.id} runs again. Next run: ${next ? when(next, now()) : 'none'}.`);
      }
      return ExitCode.done;
    }
  }
}

async function listCommand(client: Client, config: Readonly<DispatchConfig>, desktopId: string, write: Write, now: number): Promise<number> {
  const { getSchedule, listSchedules } = await import('../common/schedules.js');
  const { ScheduleNotFoundError } = await import('@temporalio/client');
  // The listing lags behind pauses and runs by a moment; each schedule's own description does not.
  const listed = await listSchedules(client);
  const fresh = await Promise.all(
    listed.map((schedule) =>
      getSchedule(client, schedule.id).catch((error: unknown) => {
        if (error instanceof ScheduleNotFoundError) return undefined;
        throw error;
      }),
    ),
  );
  const shown = fresh.filter((schedule): schedule is ScheduleView => schedule !== undefined);
  if (shown.length === 0) {
    write('No schedules. Make one with `opendispatch schedule add "what to do" --cron "0 9 * * 1-5"`.');
    return ExitCode.done;
  }
  const { cliTaskService } = await import('./task-commands.js');
  const tasks = cliTaskService(client, config, desktopId);
  const runIds = shown.flatMap((schedule) => schedule.recentRuns.slice(0, 5).map((run) => run.taskId));
  const statuses = new Map(await Promise.all(runIds.map(async (id) => [id, await tasks.get(id).then((task) => task.status, () => 'unknown')] as const)));
  shown.forEach((schedule, index) => {
    if (index > 0) write('');
    for (const line of describeSchedule(schedule, statuses, now)) write(line);
  });
  return ExitCode.done;
}

/** Runs the schedule now and names the task it started, once Temporal records it (a moment later). */
async function triggerCommand(client: Client, config: Readonly<DispatchConfig>, id: string, write: Write): Promise<number> {
  const { changeSchedule, getSchedule } = await import('../common/schedules.js');
  const before = new Set((await getSchedule(client, id)).recentRuns.map((run) => run.taskId));
  await changeSchedule(client, id, 'trigger');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const started = (await getSchedule(client, id)).recentRuns.find((run) => !before.has(run.taskId));
    if (started) {
      const { taskPhoneUrl } = await import('./task-link.js');
      write(`Schedule ${id} started task ${started.taskId}.`);
      write(`On your phone: ${taskPhoneUrl(config, started.taskId)}`);
      return ExitCode.done;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  write(`Schedule ${id} was triggered; its task shows up in \`opendispatch list\` in a moment.`);
  return ExitCode.done;
}
