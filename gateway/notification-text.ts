import { createHash } from 'node:crypto';
import type { PushPayload, PushStatus } from '../common/push-schemas.js';

/** A change in a task a person should hear about, found once by the task watcher. */
export interface TaskChange {
  taskId: string;
  status: PushStatus;
  prompt: string;
}

/** The change as each channel words it. Nothing here carries a result, a question's text or a screenshot. */
export interface NotificationText {
  /** The Web Push payload, end-to-end encrypted to the phone. */
  payload: PushPayload;
  /** Web Push `Urgency`: a task waiting on the person wakes the phone at once. */
  urgency: 'high' | 'normal';
  /** Web Push `Topic`: a newer push about the same task replaces one not yet delivered. */
  topic: string;
  ntfy: { title: string; body: string; priority: 'high' | 'default'; tags: string };
}

const WORDS: Record<PushStatus, { title: string; outcome: string; tags: string }> = {
  needs_input: { title: 'Your task has a question', outcome: 'Waiting for your answer.', tags: 'question' },
  needs_approval: { title: 'Your task needs your approval', outcome: 'Waiting for your approval.', tags: 'raised_hand' },
  succeeded: { title: 'Task done', outcome: 'Finished.', tags: 'white_check_mark' },
  failed: { title: 'Task stopped', outcome: 'Stopped without finishing.', tags: 'x' },
};

const PROMPT_LINE_CHARS = 80;

/** The prompt's first non-empty line, at most 80 characters (an ellipsis marks a cut). */
export function promptLine(prompt: string): string {
  const line = prompt.split(/\r?\n/).map((part) => part.trim()).find((part) => part !== '') ?? 'A task';
  const chars = [...line];
  return chars.length <= PROMPT_LINE_CHARS ? line : `${chars.slice(0, PROMPT_LINE_CHARS - 1).join('')}…`;
}

/** The same-origin path of a task's page on the phone. */
export function taskPath(taskId: string): string {
  return `/?task=${encodeURIComponent(taskId)}`;
}

/** Words for one change, for Web Push and ntfy alike. */
export function notificationText(change: TaskChange): NotificationText {
  const words = WORDS[change.status];
  const line = promptLine(change.prompt);
  const needsYou = change.status === 'needs_input' || change.status === 'needs_approval';
  return {
    payload: { taskId: change.taskId, status: change.status, title: words.title, body: line, url: taskPath(change.taskId) },
    urgency: needsYou ? 'high' : 'normal',
    topic: createHash('sha256').update(change.taskId).digest('base64url').slice(0, 32),
    ntfy: { title: `OpenDispatch: ${words.title}`, body: `${line}\n${words.outcome}`, priority: needsYou ? 'high' : 'default', tags: words.tags },
  };
}
