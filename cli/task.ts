import { WorkflowFailedError, type Client } from '@temporalio/client';
import type { DispatchConfig } from '../common/config.js';
import { MAX_PROMPT_CHARS, type TaskMemo, type TaskResult, type TaskStatus } from '../common/contract.js';
import { failureMessage } from '../common/failure-message.js';
import { startTask } from '../common/task-starter.js';
import { taskOutcome } from '../common/task-outcome.js';
import { ExitCode, UsageError } from './usage.js';

export interface TaskCommandOptions {
  prompt: string;
  desktopId: string;
  model?: string;
  maxSteps?: number;
  follow: boolean;
  pollMs?: number;
  write?: (line: string) => void;
  /** The task's page on the phone, printed so a person can hand the task over to their phone. */
  phoneUrl?: (taskId: string) => string;
}

/**
 * The prompt as a task takes it (trimmed), or a {@link UsageError}: checked before anything
 * starts, with the same limit as the API and the workflow, so a prompt is never accepted here and
 * refused by the workflow afterwards.
 */
export function checkPrompt(words: string[]): string {
  const prompt = words.join(' ').trim();
  if (prompt === '') throw new UsageError('A task needs a prompt: what the agent should do, in quotes.', 'task');
  if (prompt.length > MAX_PROMPT_CHARS) {
    throw new UsageError(
      `The prompt has ${prompt.length.toLocaleString('en')} characters; a task takes at most ${MAX_PROMPT_CHARS.toLocaleString('en')}. ` +
        'Put long material in a file in a granted folder and ask the agent to read it.',
      'task',
    );
  }
  return prompt;
}

/** "0:07", "12:30", "1:02:03": how long a task has been going. */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60];
  const two = (value: number) => String(value).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

/**
 * Prints a task's steps as they happen until it ends, each with the time since `startedAt`, and
 * returns its result. Reads the progress the workflow publishes in its memo, so it never waits on
 * the desktop's worker, and follows the workflow's latest run, so a task reset in the Web UI is
 * followed into its new run.
 */
export async function followTask(
  client: Client,
  taskId: string,
  options: { pollMs?: number; write: (line: string) => void; startedAt?: number },
): Promise<TaskResult> {
  const handle = client.workflow.getHandle(taskId);
  const startedAt = options.startedAt ?? Date.now();
  const printed = new Set<string>();
  let lastLine = '';
  const say = (line: string): void => {
    if (line !== lastLine) options.write(`[${formatElapsed(Date.now() - startedAt)}] ${line}`);
    lastLine = line;
  };
  const printSteps = (steps: TaskStatus['recentSteps']): boolean => {
    let printedAny = false;
    for (const step of steps) {
      const key = `${step.index}|${step.at}|${step.description}`;
      if (printed.has(key)) continue;
      printed.add(key);
      printedAny = true;
      say(`step ${step.index}: ${step.description}${step.isError ? ` (failed: ${step.detail ?? 'see the Web UI'})` : ''}`);
    }
    return printedAny;
  };
  for (;;) {
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING') {
      const result = (await handle.result()) as TaskResult;
      printSteps(result.recentSteps);
      return result;
    }
    const status = (description.memo as Partial<TaskMemo> | undefined)?.progress;
    if (!status) say('… waiting for the desktop to pick the task up');
    else {
      const printedAny = printSteps(status.recentSteps);
      if (status.phase === 'queued') say(`… queued, number ${status.queuePosition || '?'} in line`);
      else if (!printedAny && status.phase === 'running') say(`… ${status.currentStep}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 300));
  }
}

/**
 * Follows a task to its end and prints how it ended: the model's summary, or the reason it failed
 * in the words the phone shows (the innermost failure, e.g. "The API key was refused…", not
 * "Activity task failed"). Returns the exit code: 0 succeeded, 1 failed or cancelled.
 */
export async function followToEnd(client: Client, taskId: string, options: { pollMs?: number; write: (line: string) => void; startedAt?: number }): Promise<number> {
  const startedAt = options.startedAt ?? Date.now();
  const stamp = () => `[${formatElapsed(Date.now() - startedAt)}]`;
  try {
    const result = await followTask(client, taskId, { ...options, startedAt });
    const outcome = taskOutcome(result.reason);
    const steps = `${result.steps} step${result.steps === 1 ? '' : 's'}`;
    if (outcome === 'succeeded') options.write(`${stamp()} Done after ${steps}: ${result.text}`);
    else if (outcome === 'cancelled') options.write(`${stamp()} Cancelled after ${steps}.`);
    else options.write(`${stamp()} Ended (${result.reason}) after ${steps}: ${result.text}`);
    return outcome === 'succeeded' ? ExitCode.done : ExitCode.failed;
  } catch (error) {
    if (error instanceof WorkflowFailedError) {
      options.write(`${stamp()} Failed: ${failureMessage(error)}`);
      return ExitCode.failed;
    }
    throw error;
  }
}

/** `opendispatch task "<prompt>"`: start a task and, unless --no-follow, follow it to the end. */
export async function runTaskCommand(client: Client, config: Readonly<DispatchConfig>, options: TaskCommandOptions): Promise<number> {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const startedAt = Date.now();
  const taskId = await startTask(client, config, options);
  write(`Task ${taskId} started on desktop "${options.desktopId}".`);
  if (options.phoneUrl) write(`On your phone: ${options.phoneUrl(taskId)}`);
  if (!options.follow) return ExitCode.done;
  return followToEnd(client, taskId, { pollMs: options.pollMs, write, startedAt });
}
