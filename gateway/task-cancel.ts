import type { WorkflowExecutionDescription } from '@temporalio/client';
import type { CancelledTask, TaskDetail } from '../common/api-schemas.js';
import type { DesktopPresence } from './desktop-presence.js';

/** What `POST /api/tasks/:id/cancel` says when the desktop's worker is away. */
export const DESKTOP_AWAY_NOTE =
  'Cancel requested, the desktop is away. Temporal has recorded it; the task stops as soon as the desktop is back online.';

const STILL_GOING: ReadonlySet<TaskDetail['status']> = new Set(['queued', 'running', 'waiting', 'needs_input', 'needs_approval']);

/**
 * A task whose cancel is recorded but not yet acted on (Temporal hands it to the workflow at its
 * next workflow task, so only once the desktop's worker polls again) says so in its current step,
 * so the phone does not look as if the cancel was lost. Read from the describe the detail was
 * built from: `workflowExtendedInfo.cancelRequested`.
 */
export function withCancelRequest(description: Pick<WorkflowExecutionDescription, 'raw'>, detail: TaskDetail): TaskDetail {
  if (!description.raw.workflowExtendedInfo?.cancelRequested || !STILL_GOING.has(detail.status)) return detail;
  return {
    ...detail,
    currentStep: detail.status === 'waiting' ? 'Cancel requested: it stops when the desktop is back online' : 'Cancelling: an action under way finishes first',
  };
}

/**
 * The answer to a cancel: the task as it is now, with {@link DESKTOP_AWAY_NOTE} while it still
 * runs on a desktop that is away, so the phone can say the cancel is recorded and waits for it.
 */
export async function withAwayNote(detail: TaskDetail, presence: DesktopPresence): Promise<CancelledTask> {
  if (!STILL_GOING.has(detail.status)) return detail;
  const desktop = await presence.status(detail.desktopId).catch(() => undefined);
  return desktop && !desktop.online ? { ...detail, note: DESKTOP_AWAY_NOTE } : detail;
}
