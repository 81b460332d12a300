import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { DispatchConfig } from '../common/config.js';
import { answerSignal, approvalSignal, followUpSignal, WorkflowType, type FollowUp, type TaskMemo, type TaskResult } from '../common/contract.js';
import { continueTask } from '../common/task-starter.js';

/** A task's latest run as the conversation routes need it: its Temporal status and its memo. */
export interface TaskRunView {
  /** Temporal's execution status name: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT… */
  status: string;
  memo: TaskMemo;
}

/**
 * The few things the conversation routes do to a task's workflow, behind one port so their rules
 * (which state accepts what) are tested without a Temporal server.
 */
export interface TaskWorkflows {
  /** The task's latest run, or undefined when no agentTask workflow has this id. */
  describe(id: string): Promise<TaskRunView | undefined>;
  /** The result of the latest run, which must have completed. */
  result(id: string): Promise<TaskResult>;
  answer(id: string, answer: { questionId: string; text: string }): Promise<void>;
  decide(id: string, decision: { approvalId: string; approve: boolean; always?: boolean }): Promise<void>;
  followUp(id: string, message: { text: string }): Promise<void>;
  /** Starts the next run of a finished task; false when a run is already going (another message won the race). */
  continueTask(id: string, memo: TaskMemo, followUp: FollowUp): Promise<boolean>;
}

/** Reads a memo as the workflow wrote it, trusting nothing about its shape. */
export function memoFrom(raw: Record<string, unknown> | undefined): TaskMemo {
  const memo = (raw ?? {}) as Partial<TaskMemo>;
  return {
    prompt: typeof memo.prompt === 'string' ? memo.prompt : '',
    desktopId: typeof memo.desktopId === 'string' ? memo.desktopId : '',
    ...(typeof memo.retryOf === 'string' ? { retryOf: memo.retryOf } : {}),
    ...(typeof memo.model === 'string' ? { model: memo.model } : {}),
    ...(memo.progress && typeof memo.progress === 'object' ? { progress: memo.progress } : {}),
  };
}

/**
 * {@link TaskWorkflows} over a Temporal client. Signals are recorded in the workflow's history at
 * once, so an answer given while the desktop is offline (or the gateway restarts right after) is
 * still read when the workflow next runs.
 */
export function temporalTaskWorkflows(client: Client, config: Readonly<DispatchConfig>): TaskWorkflows {
  const handle = (id: string) => client.workflow.getHandle(id);
  return {
    async describe(id) {
      try {
        const description = await handle(id).describe();
        return description.type === WorkflowType.agentTask ? { status: description.status.name, memo: memoFrom(description.memo) } : undefined;
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return undefined;
        throw error;
      }
    },
    result: async (id) => (await handle(id).result()) as TaskResult,
    answer: (id, answer) => handle(id).signal(answerSignal, answer),
    decide: (id, decision) => handle(id).signal(approvalSignal, decision),
    followUp: (id, message) => handle(id).signal(followUpSignal, message),
    async continueTask(id, memo, followUp) {
      try {
        await continueTask(client, config, { taskId: id, memo, followUp });
        return true;
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
        throw error;
      }
    },
  };
}
