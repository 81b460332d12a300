import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { acquireScreenSignal, desktopTaskQueue, screenLockWorkflowId, WorkflowType, type ScreenClaim } from '../../common/contract.js';

/**
 * Activities the screen lock needs from outside workflow code: starting the desktop's lock
 * workflow on first use (workflows cannot signal-with-start) and checking that its holder lives.
 */
export function createScreenLockActivities(deps: { client: Client }) {
  /** Joins the desktop's line for the screen; the lock signals `screenGranted` when it is our turn. */
  async function requestScreen(input: { desktopId: string } & ScreenClaim): Promise<void> {
    await deps.client.workflow.signalWithStart(WorkflowType.screenLock, {
      workflowId: screenLockWorkflowId(input.desktopId),
      taskQueue: desktopTaskQueue(input.desktopId),
      args: [],
      signal: acquireScreenSignal,
      signalArgs: [{ taskId: input.taskId, claim: input.claim, submittedAt: input.submittedAt, ...(input.onlyIfFree ? { onlyIfFree: true } : {}), ...(input.slot ? { slot: input.slot } : {}) }],
      staticSummary: `Screen and input of desktop ${input.desktopId}, one task at a time`,
    });
  }

  /** Whether the task's latest run is still running (a terminated or finished task is not). */
  async function isTaskOpen(input: { taskId: string }): Promise<boolean> {
    try {
      const description = await deps.client.workflow.getHandle(input.taskId).describe();
      return description.status.name === 'RUNNING';
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }

  return { requestScreen, isTaskOpen };
}
