import type { Client } from '@temporalio/client';
import { createContentStore } from '../activities/store/content-store.js';
import type { TaskDetail } from '../common/api-schemas.js';
import type { DispatchConfig } from '../common/config.js';
import { createScreenshotSource } from '../gateway/screenshot-source.js';
import { createDesktopPresence } from '../gateway/desktop-presence.js';
import { HttpError } from '../gateway/http-error.js';
import { createTaskService, type TaskService } from '../gateway/task-service.js';
import { followToEnd, formatElapsed } from './task.js';
import { taskPhoneUrl } from './task-link.js';
import { ExitCode } from './usage.js';

type Write = (line: string) => void;

/**
 * The gateway's own task service, used in-process: `list`, `show`, `cancel` and `retry` on the
 * command line mean exactly what the phone's buttons mean (the same statuses, the same error
 * text, the same rule that only a failed or cancelled task can be retried).
 */
export function cliTaskService(client: Client, config: Readonly<DispatchConfig>, desktopId: string): TaskService {
  const presence = createDesktopPresence({ client, namespace: config.temporal.namespace });
  return createTaskService({
    client,
    config,
    defaultDesktopId: desktopId,
    screenshots: createScreenshotSource({ client, store: createContentStore(config.paths.blobs), presence, selfId: desktopId }),
    presence,
  });
}

/** A refusal from the task service (unknown task, not retryable) as a message and exit code 1. */
async function refusals(write: Write, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    write(error.message);
    return ExitCode.failed;
  }
}

const oneLine = (text: string, max: number): string => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

const age = (createdAt: string, now: number): string => `${formatElapsed(now - Date.parse(createdAt))} ago`;

/** `opendispatch list`: the latest tasks, newest first. */
export async function runListCommand(tasks: TaskService, write: Write, now = Date.now()): Promise<number> {
  const { tasks: list } = await tasks.list({ limit: 50 });
  if (list.length === 0) {
    write('No tasks yet. Start one with `opendispatch task "what you want done"`.');
    return ExitCode.done;
  }
  const idWidth = Math.max(...list.map((task) => task.id.length));
  for (const task of list) {
    write(`${task.id.padEnd(idWidth)}  ${task.status.padEnd(9)}  ${age(task.createdAt, now).padStart(12)}  ${oneLine(task.prompt, 60)}`);
  }
  return ExitCode.done;
}

function describeTask(task: TaskDetail, config: Readonly<DispatchConfig>, now: number): string[] {
  return [
    `Task ${task.id}: ${task.status}`,
    `  Prompt:   ${oneLine(task.prompt, 200)}`,
    `  Desktop:  ${task.desktopId}${task.model ? `, model ${task.model}` : ''}`,
    `  Started:  ${new Date(task.createdAt).toLocaleString()} (${age(task.createdAt, now)})`,
    ...(task.retryOf ? [`  Retries:  ${task.retryOf}`] : []),
    ...(task.queuePosition ? [`  Queued:   number ${task.queuePosition} in line`] : []),
    ...(task.currentStep ? [`  Now:      ${task.currentStep}`] : []),
    ...(task.steps.length > 0 ? ['  Steps:'] : []),
    ...task.steps.map((step) => `    ${step.index}. ${step.description}${step.isError ? ` (failed: ${step.detail ?? 'see the Web UI'})` : ''}`),
    ...(task.result ? [`  Result:   ${task.result}`] : []),
    ...(task.error ? [`  Error:    ${task.error}`] : []),
    `  Phone:    ${taskPhoneUrl(config, task.id)}`,
  ];
}

/** `opendispatch show ID`: one task in full. Exit 0 once shown, whatever its status. */
export function runShowCommand(tasks: TaskService, config: Readonly<DispatchConfig>, id: string, write: Write): Promise<number> {
  return refusals(write, async () => {
    for (const line of describeTask(await tasks.get(id), config, Date.now())) write(line);
    return ExitCode.done;
  });
}

/** `opendispatch cancel ID`: asks a queued or running task to stop; a finished task is left as it is. */
export function runCancelCommand(tasks: TaskService, id: string, write: Write): Promise<number> {
  return refusals(write, async () => {
    const before = await tasks.get(id);
    if (before.status === 'succeeded' || before.status === 'failed' || before.status === 'cancelled') {
      write(`Task ${id} already ended: ${before.status}.`);
      return ExitCode.done;
    }
    await tasks.cancel(id);
    write(`Cancelling task ${id}: it stops after the action under way.`);
    return ExitCode.done;
  });
}

/**
 * `opendispatch retry ID`: starts a failed or cancelled task again as a new task (recorded as
 * its retry, with the same prompt, desktop and model) and follows it like `task` does.
 */
export function runRetryCommand(
  client: Client,
  tasks: TaskService,
  config: Readonly<DispatchConfig>,
  options: { id: string; follow: boolean; write: Write; pollMs?: number },
): Promise<number> {
  const { write } = options;
  return refusals(write, async () => {
    const startedAt = Date.now();
    const created = await tasks.retry(options.id);
    write(`Task ${created.id} started, retrying ${options.id}.`);
    write(`On your phone: ${taskPhoneUrl(config, created.id)}`);
    if (!options.follow) return ExitCode.done;
    return followToEnd(client, created.id, { write, startedAt, pollMs: options.pollMs });
  });
}
