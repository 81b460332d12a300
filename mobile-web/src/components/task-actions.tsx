import { useState } from 'preact/hooks';
import type { TaskDetail } from '../../../common/api-schemas.js';
import { ApiFailure, type ApiClient } from '../api.js';

interface Props {
  api: ApiClient;
  task: TaskDetail;
  onUpdated: (task: TaskDetail) => void;
  onRetried: (newTaskId: string) => void;
}

/**
 * Cancel (after a confirming second tap) while the task can still stop, Retry once it failed or was cancelled. Lives in a bar
 * fixed to the bottom of the screen, so it is in reach however long the timeline grows and its
 * appearing never shifts the page.
 */
export function TaskActions({ api, task, onUpdated, onRetried }: Props) {
  const [pending, setPending] = useState<'cancel' | 'retry' | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState('');
  /** What the gateway said about a cancel that waits for the desktop to come back. */
  const [note, setNote] = useState('');
  const canCancel = task.status === 'queued' || task.status === 'running' || task.status === 'waiting' || task.status === 'needs_input' || task.status === 'needs_approval';
  const canRetry = task.status === 'failed' || task.status === 'cancelled';
  if (!canCancel && !canRetry) return null;

  async function run(kind: 'cancel' | 'retry', action: () => Promise<void>) {
    setPending(kind);
    setProblem('');
    try {
      await action();
    } catch (error) {
      setProblem(error instanceof ApiFailure ? error.message : 'That did not work. Try again.');
    } finally {
      setPending(null);
    }
  }

  return (
    <div class="action-bar">
      {note && canCancel && (
        <p class="notice" role="status">
          {note}
        </p>
      )}
      {problem && (
        <p class="form-error" role="alert">
          {problem}
        </p>
      )}
      {canCancel && confirming ? (
        <div key="confirm" class="confirm" role="group" aria-labelledby="confirm-cancel">
          <p id="confirm-cancel" class="confirm__question">
            Cancel this task? An action under way finishes first.
          </p>
          <div class="confirm__buttons">
            <button type="button" class="button" disabled={pending !== null} onClick={() => setConfirming(false)}>
              Keep it
            </button>
            <button
              type="button"
              class="button button--danger"
              disabled={pending !== null}
              aria-busy={pending === 'cancel'}
              onClick={() =>
                run('cancel', async () => {
                  const { note: away, ...updated } = await api.cancelTask(task.id);
                  setNote(away ?? '');
                  onUpdated(updated);
                }).then(() => setConfirming(false))
              }
            >
              {pending === 'cancel' ? 'Cancelling…' : 'Yes, cancel it'}
            </button>
          </div>
        </div>
      ) : canCancel ? (
        <button key="cancel" type="button" class="button button--danger" onClick={() => setConfirming(true)}>
          Cancel task
        </button>
      ) : (
        <button
          key="retry"
          type="button"
          class="button button--primary"
          disabled={pending === 'retry'}
          aria-busy={pending === 'retry'}
          onClick={() => run('retry', async () => onRetried((await api.retryTask(task.id)).id))}
        >
          {pending === 'retry' ? 'Starting again…' : 'Retry task'}
        </button>
      )}
    </div>
  );
}
