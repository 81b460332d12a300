import { randomUUID } from 'node:crypto';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import type { DispatchConfig } from '../common/config.js';
import { desktopTaskQueue, taskStatusQuery, WorkflowType, type TaskInput, type TaskResult, type TaskStatus } from '../common/contract.js';

export interface TaskCommandOptions {
  prompt: string;
  desktopId: string;
  model?: string;
  maxSteps?: number;
  follow: boolean;
  pollMs?: number;
  write?: (line: string) => void;
}

/** Starts a task as a workflow whose id is the task id, with the prompt as its Web UI summary. */
export async function startTask(client: Client, config: Readonly<DispatchConfig>, options: Omit<TaskCommandOptions, 'follow'>): Promise<string> {
  const taskId = `task-${randomUUID()}`;
  const input: TaskInput = {
    prompt: options.prompt,
    desktopId: options.desktopId,
    model: options.model ?? config.model,
    maxSteps: options.maxSteps ?? config.maxSteps,
  };
  await client.workflow.start(WorkflowType.agentTask, {
    workflowId: taskId,
    taskQueue: desktopTaskQueue(options.desktopId),
    args: [input],
    staticSummary: options.prompt.length > 200 ? `${options.prompt.slice(0, 199)}…` : options.prompt,
  });
  return taskId;
}

/**
 * Prints a task's steps as they happen until it ends, and returns its result. Follows the
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
  for (;;) {
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING') return (await handle.result()) as TaskResult;
    let status: TaskStatus | undefined;
    try {
      status = await handle.query(taskStatusQuery);
    } catch {
      say('… waiting for the desktop (its worker is not answering)');
    }
    if (status) {
      let printedAny = false;
      for (const step of status.recentSteps) {
        const key = `${step.index}|${step.at}|${step.description}`;
        if (printed.has(key)) continue;
        printed.add(key);
        printedAny = true;
        say(`  step ${step.index}: ${step.description}${step.isError ? ` (failed: ${step.detail ?? 'see the Web UI'})` : ''}`);
      }
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
