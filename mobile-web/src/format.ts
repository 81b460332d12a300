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

/** A span of time as a person reads it: "under 1 s", "12 s", "2 min 14 s", "1 h 5 min". */
export function durationText(ms: number): string {
  if (!Number.isFinite(ms) || ms < 1000) return 'under 1 s';
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 ? `${minutes} min ${seconds % 60} s` : `${minutes} min`;
  return minutes % 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes / 60} h`;
}
