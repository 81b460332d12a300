import type { TaskSummary } from '../../../common/api-schemas.js';

function describe(task: TaskSummary): string {
  switch (task.status) {
    case 'queued':
      return task.queuePosition && task.queuePosition > 1
        ? `Waiting for ${task.queuePosition - 1} earlier ${task.queuePosition === 2 ? 'task' : 'tasks'} to finish on the desktop.`
        : 'Waiting for the desktop to pick it up.';
    case 'running':
    case 'waiting':
      return task.currentStep ?? 'Starting…';
    case 'needs_input':
      return 'The agent asked you something. Answer below and it carries on.';
    case 'needs_approval':
      return 'The agent waits for your approval before its next action.';
    case 'succeeded':
      return 'Finished.';
    case 'failed':
      return 'Stopped with a problem. The reason is below.';
    case 'cancelled':
      return 'Cancelled.';
  }
}

/** What the agent is doing right now, in a box two lines tall whatever it says, so nothing below moves. */
export function CurrentStep({ task }: { task: TaskSummary }) {
  return (
    <p class="current-step">
      <span class="current-step__label">Now</span>
      <span class="current-step__text">{describe(task)}</span>
    </p>
  );
}
