import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { WorkflowType, type TaskResult } from '../common/contract.js';
import type { DesktopPresence } from '../gateway/desktop-presence.js';

/**
 * The baseline for `task_list_rps`: how `GET /api/tasks` read the list before it paged, kept here
 * to be measured against. It listed up to 100 runs, then read every finished task's result
 * (its history) and every running task's desktop, and answered the newest 50.
 */
export function previousTaskList(client: Client, presence: DesktopPresence): () => Promise<unknown[]> {
  return async () => {
    const found: WorkflowExecutionInfo[] = [];
    for await (const execution of client.workflow.list({ query: `WorkflowType = '${WorkflowType.agentTask}'`, pageSize: 50 })) {
      found.push(execution);
      if (found.length >= 100) break;
    }
    found.sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
    const latest = found.filter((execution, index) => found.findIndex((other) => other.workflowId === execution.workflowId) === index);
    return Promise.all(
      latest.slice(0, 50).map(async (execution) => {
        const memo = (execution.memo ?? {}) as { desktopId?: string };
        if (execution.status.name === 'RUNNING') return { id: execution.workflowId, desktop: await presence.status(String(memo.desktopId)) };
        if (execution.status.name === 'COMPLETED' || execution.status.name === 'FAILED') {
          const result = await client.workflow.getHandle(execution.workflowId).result().catch((error: unknown) => error);
          return { id: execution.workflowId, outcome: (result as Partial<TaskResult>).reason };
        }
        return { id: execution.workflowId };
      }),
    );
  };
}
