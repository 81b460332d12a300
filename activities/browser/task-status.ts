import { WorkflowNotFoundError, type Client } from '@temporalio/client';

/**
 * Whether a task's workflow is still running, for closing the tabs of tasks that ended. A task
 * Temporal no longer knows has ended; any other failure to ask is thrown, and the tab registry
 * then keeps the tabs (closing a live task's pages would be worse than keeping a dead one's).
 */
export function taskIsOpen(client: Client): (taskId: string) => Promise<boolean> {
  return async (taskId) => {
    try {
      const description = await client.workflow.getHandle(taskId).describe();
      return description.status.name === 'RUNNING';
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  };
}
