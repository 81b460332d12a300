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
 * Cancel while the task can still stop, Retry once it failed or was cancelled. Lives in a bar
 * fixed to the bottom of the screen, so it is in reach however long the timeline grows and its
 * appearing never shifts the page.
 */
export function TaskActions({ api, task, onUpdated, onRetried }: Props) {
  const [pending, setPending] = useState<'cancel' | 'retry' | null>(null);
  const [problem, setProblem] = useState('');
  const canCancel = task.status === 'queued' || task.status === 'running' || task.status === 'waiting';
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
      {problem && (
        <p class="form-error" role="alert">
          {problem}
        </p>
      )}
      {canCancel ? (
        <button
          key="cancel"
          type="button"
          class="button button--danger"
          disabled={pending !== null}
          aria-busy={pending === 'cancel'}
          onClick={() => run('cancel', async () => onUpdated(await api.cancelTask(task.id)))}
        >
          {pending === 'cancel' ? 'Cancelling…' : 'Cancel task'}
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
