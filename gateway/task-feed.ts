import type { Client } from '@temporalio/client';
import { WorkflowType, type TaskMemo, type TaskResult } from '../common/contract.js';
import { memoFrom } from './task-workflows.js';

/** One run of a task as the visibility listing shows it. */
export interface TaskExecutionView {
  taskId: string;
  runId: string;
  /** Temporal's execution status name: RUNNING, COMPLETED, FAILED… */
  status: string;
  memo: TaskMemo;
}

/** Where the task watcher reads task runs from: Temporal's visibility store, or a fake in tests. */
export interface TaskFeed {
  /** Runs still going, and runs that closed at or after `since` (ms since the epoch). */
  list(since: number): Promise<TaskExecutionView[]>;
  /** A completed run's result. */
  result(taskId: string, runId: string): Promise<TaskResult>;
}

/**
 * {@link TaskFeed} over Temporal's visibility API: one listing query, memos included, so a poll
 * costs one request however many tasks there are, and needs no desktop worker online.
 */
export function temporalTaskFeed(client: Client): TaskFeed {
  return {
    async list(since) {
      const query = `WorkflowType = '${WorkflowType.agentTask}' AND (ExecutionStatus = 'Running' OR CloseTime >= '${new Date(since).toISOString()}')`;
      const found: TaskExecutionView[] = [];
      for await (const execution of client.workflow.list({ query, pageSize: 200 })) {
        found.push({ taskId: execution.workflowId, runId: execution.runId, status: execution.status.name, memo: memoFrom(execution.memo) });
        if (found.length >= 1_000) break;
      }
      return found;
    },
    result: async (taskId, runId) => (await client.workflow.getHandle(taskId, runId).result()) as TaskResult,
  };
}
