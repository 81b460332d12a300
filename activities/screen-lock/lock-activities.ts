import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { acquireScreenSignal, screenLockStateQuery, desktopTaskQueue, screenLockWorkflowId, WorkflowType, type ScreenClaim } from '../../common/contract.js';

/**
 * Activities the screen queue needs from outside workflow code: starting the desktop's screen
 * queue workflow on first use (workflows cannot signal-with-start) and checking that its holder
 * lives. A queue an earlier release started as `screenLock` under the same id is signalled as it
 * is: signal-with-start starts nothing while a workflow with the id runs, whatever its type.
 */
export function createScreenLockActivities(deps: { client: Client }) {
  /** Joins the desktop's line for the screen; the queue signals `screenGranted` when it is our turn. */
  async function requestScreen(input: { desktopId: string } & ScreenClaim): Promise<void> {
    await deps.client.workflow.signalWithStart(WorkflowType.screenQueue, {
      workflowId: screenLockWorkflowId(input.desktopId),
      taskQueue: desktopTaskQueue(input.desktopId),
      args: [],
      signal: acquireScreenSignal,
      signalArgs: [{ taskId: input.taskId, claim: input.claim, submittedAt: input.submittedAt, ...(input.onlyIfFree ? { onlyIfFree: true } : {}), ...(input.slot ? { slot: input.slot } : {}) }],
      staticSummary: `Queue for the screen of desktop ${input.desktopId}: one task at a time, in the order given`,
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

  /**
   * Whether another task waits for the desktop's screen, as its queue says now: a task that holds
   * the screen without using it lets it go only then, so one that alternates between the screen
   * and other work does not give it up for nothing.
   */
  async function othersWaitForScreen(input: { desktopId: string; taskId: string }): Promise<boolean> {
    try {
      const state = await deps.client.workflow.getHandle(screenLockWorkflowId(input.desktopId)).query(screenLockStateQuery);
      return state.waiting.some((taskId) => taskId !== input.taskId);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }

  return { requestScreen, isTaskOpen, othersWaitForScreen };
}
