import { WorkflowFailedError, type Client } from '@temporalio/client';
import type { DispatchConfig } from '../common/config.js';
import type { TaskMemo, TaskResult, TaskStatus } from '../common/contract.js';
import { startTask } from '../common/task-starter.js';

export interface TaskCommandOptions {
  prompt: string;
  desktopId: string;
  model?: string;
  maxSteps?: number;
  follow: boolean;
  pollMs?: number;
  write?: (line: string) => void;
}

/**
 * Prints a task's steps as they happen until it ends, and returns its result. Reads the progress
 * the workflow publishes in its memo, so it never waits on the desktop's worker, and follows the
 * workflow's latest run, so a task reset in the Web UI is followed into its new run.
 */
export async function followTask(client: Client, taskId: string, options: { pollMs?: number; write: (line: string) => void }): Promise<TaskResult> {
  const handle = client.workflow.getHandle(taskId);
  const printed = new Set<string>();
  let lastLine = '';
  const say = (line: string): void => {
    if (line !== lastLine) options.write(line);
    lastLine = line;
  };
  const printSteps = (steps: TaskStatus['recentSteps']): boolean => {
    let printedAny = false;
    for (const step of steps) {
      const key = `${step.index}|${step.at}|${step.description}`;
      if (printed.has(key)) continue;
      printed.add(key);
      printedAny = true;
      say(`  step ${step.index}: ${step.description}${step.isError ? ` (failed: ${step.detail ?? 'see the Web UI'})` : ''}`);
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

/** `opendispatch task "<prompt>"`: start a task and, unless --no-follow, follow it to the end. */
export async function runTaskCommand(client: Client, config: Readonly<DispatchConfig>, options: TaskCommandOptions): Promise<number> {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const taskId = await startTask(client, config, options);
  write(`Task ${taskId} started on desktop "${options.desktopId}".`);
  if (!options.follow) return 0;
  try {
    const result = await followTask(client, taskId, { pollMs: options.pollMs, write });
    write(result.reason === 'completed' ? `Done after ${result.steps} steps: ${result.text}` : `Ended (${result.reason}) after ${result.steps} steps: ${result.text}`);
    return result.reason === 'completed' ? 0 : 2;
  } catch (error) {
    if (error instanceof WorkflowFailedError) {
      write(`Failed: ${error.cause?.message ?? error.message}`);
      return 1;
    }
    throw error;
  }
}
