import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { DispatchConfig } from './config.js';
import { desktopTaskQueue, WorkflowType, type TaskInput, type TaskMemo } from './contract.js';

export interface StartTaskOptions {
  prompt: string;
  desktopId: string;
  /** Absent: the desktop's configured model. Recorded in the memo either way, so a retry keeps it. */
  model?: string;
  maxSteps?: number;
  retryOf?: string;
}

/**
 * Starts a task: one workflow whose id is the task id, on the desktop's task queue, with the
 * prompt as its Web UI summary and, with the model, in its memo (so lists show it without the
 * desktop online, and a retry runs with the same model).
 * Used by the CLI and the gateway alike, so both start tasks the same way.
 */
export async function startTask(client: Client, config: Readonly<DispatchConfig>, options: StartTaskOptions): Promise<string> {
  const taskId = `task-${randomUUID()}`;
  const input: TaskInput = {
    prompt: options.prompt,
    desktopId: options.desktopId,
    model: options.model ?? config.model,
    maxSteps: options.maxSteps ?? config.maxSteps,
    timeoutSeconds: config.taskTimeoutSeconds,
  };
  const memo: TaskMemo = { prompt: options.prompt, desktopId: options.desktopId, model: input.model, ...(options.retryOf ? { retryOf: options.retryOf } : {}) };
  await client.workflow.start(WorkflowType.agentTask, {
    workflowId: taskId,
    taskQueue: desktopTaskQueue(options.desktopId),
    args: [input],
    memo: memo as unknown as Record<string, unknown>,
    staticSummary: options.prompt.length > 200 ? `${options.prompt.slice(0, 199)}…` : options.prompt,
  });
  return taskId;
}
