import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { DispatchConfig } from './config.js';
import { desktopTaskQueue, WorkflowType, type FollowUp, type TaskInput, type TaskMemo } from './contract.js';
import { startWithPromptAttribute } from './prompt-search-attribute.js';

export interface StartTaskOptions {
  prompt: string;
  desktopId: string;
  /** Absent: the desktop's configured model. Recorded in the memo either way, so a retry keeps it. */
  model?: string;
  maxSteps?: number;
  retryOf?: string;
}

/** A task's summary on its Temporal Web UI page: the prompt, cut to 200 characters. */
export function webUiSummary(prompt: string): string {
  return prompt.length > 200 ? `${prompt.slice(0, 199)}…` : prompt;
}

/** The desktop's limits and approval policy, fixed in the task's input when it starts. */
function taskPolicy(config: Readonly<DispatchConfig>): Pick<TaskInput, 'timeoutSeconds' | 'approve' | 'askTimeoutSeconds' | 'approvalTimeoutSeconds' | 'redactTyping' | 'maxParallel'> {
  return {
    timeoutSeconds: config.taskTimeoutSeconds,
    askTimeoutSeconds: config.askTimeoutSeconds,
    approvalTimeoutSeconds: config.approvalTimeoutSeconds,
    ...(config.approve.length > 0 ? { approve: [...config.approve] } : {}),
    ...(config.redactTyping ? { redactTyping: true } : {}),
    maxParallel: config.maxParallel,
  };
}

/** A task's input: what was asked, where, with which model, under the desktop's limits and policy. */
export function taskInputFor(config: Readonly<DispatchConfig>, options: Pick<StartTaskOptions, 'prompt' | 'desktopId' | 'model' | 'maxSteps'>): TaskInput {
  return {
    prompt: options.prompt,
    desktopId: options.desktopId,
    model: options.model ?? config.model,
    maxSteps: options.maxSteps ?? config.maxSteps,
    ...taskPolicy(config),
  };
}

/**
 * Starts a task: one workflow whose id is the task id, on the desktop's task queue, with the
 * prompt as its Web UI summary and, with the model, in its memo (so lists show it without the
 * desktop online, and a retry runs with the same model). The prompt's first line is its
 * `DispatchPrompt` search attribute where the namespace has one (common/prompt-search-attribute.ts).
 * Used by the CLI and the gateway alike, so both start tasks the same way.
 */
export async function startTask(client: Client, config: Readonly<DispatchConfig>, options: StartTaskOptions): Promise<string> {
  const taskId = `task-${randomUUID()}`;
  const input = taskInputFor(config, options);
  const memo: TaskMemo = { prompt: options.prompt, desktopId: options.desktopId, model: input.model, ...(options.retryOf ? { retryOf: options.retryOf } : {}) };
  await startWithPromptAttribute(client, options.prompt, (typedSearchAttributes) =>
    client.workflow.start(WorkflowType.agentTask, {
      workflowId: taskId,
      taskQueue: desktopTaskQueue(options.desktopId),
      args: [input],
      memo: memo as unknown as Record<string, unknown>,
      typedSearchAttributes,
      staticSummary: webUiSummary(options.prompt),
    }),
  );
  return taskId;
}

export interface ContinueTaskOptions {
  /** The finished task; its workflow id is reused, so the phone keeps one conversation. */
  taskId: string;
  /** The memo of the finished run: prompt, desktop and model carry over unchanged. */
  memo: TaskMemo;
  /** What the person said next, and where the previous run left off (from its TaskResult). */
  followUp: FollowUp;
  maxSteps?: number;
}

/**
 * Continues a finished task (one whose run returned a TaskResult, whatever its reason): a new run
 * of the same workflow id with the same prompt, desktop and model, carrying the conversation so
 * far in `TaskInput.followUp`. The memo and the `DispatchPrompt` search attribute are kept, so
 * lists show the task as before. Throws Temporal's WorkflowExecutionAlreadyStartedError when a
 * run of the task is already going.
 */
export async function continueTask(client: Client, config: Readonly<DispatchConfig>, options: ContinueTaskOptions): Promise<void> {
  const { memo } = options;
  const model = memo.model ?? config.model;
  const input: TaskInput = {
    prompt: memo.prompt,
    desktopId: memo.desktopId,
    model,
    maxSteps: options.maxSteps ?? config.maxSteps,
    ...taskPolicy(config),
    followUp: options.followUp,
  };
  const kept: TaskMemo = { prompt: memo.prompt, desktopId: memo.desktopId, model, ...(memo.retryOf ? { retryOf: memo.retryOf } : {}) };
  await startWithPromptAttribute(client, memo.prompt, (typedSearchAttributes) =>
    client.workflow.start(WorkflowType.agentTask, {
      workflowId: options.taskId,
      taskQueue: desktopTaskQueue(memo.desktopId),
      args: [input],
      memo: kept as unknown as Record<string, unknown>,
      typedSearchAttributes,
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      staticSummary: webUiSummary(memo.prompt),
    }),
  );
}
