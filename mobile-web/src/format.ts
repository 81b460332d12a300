import type { ApiTaskStatus, TaskSummary } from '../../common/api-schemas.js';

const LABELS: Record<ApiTaskStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  waiting: 'Waiting',
  needs_input: 'Needs your answer',
  needs_approval: 'Needs your approval',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export function statusLabel(status: ApiTaskStatus): string {
  return LABELS[status];
}

/** "#2 in line" for a queued task that knows its place, otherwise nothing. */
export function queueNote(task: Pick<TaskSummary, 'status' | 'queuePosition'>): string | undefined {
  return task.status === 'queued' && task.queuePosition !== undefined ? `#${task.queuePosition} in line` : undefined;
}

/** A step's time of day, "14:05:09". */
export function clockTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** When a task was made: time today, otherwise a short date and time. */
export function createdWhen(iso: string, now = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const time = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return date.toDateString() === now.toDateString() ? time : `${date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })}, ${time}`;
}
