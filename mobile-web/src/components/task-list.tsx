import { useState } from 'preact/hooks';
import type { Desktop, TaskSummary } from '../../../common/api-schemas.js';
import { ApiFailure } from '../api.js';
import { desktopNameIfMany } from '../desktop-names.js';
import { TaskListItem } from './task-list-item.js';

interface Props {
  tasks: TaskSummary[];
  /** The desktop list (null until it arrives), to say where each task ran when there are several. */
  desktops: readonly Desktop[] | null;
  loaded: boolean;
  /** The gateway cannot be reached, so an unloaded list will not load until it can. */
  unreachable: boolean;
  onOpen: (id: string) => void;
  /** Loads the next, older page; absent when the oldest task is shown. */
  onLoadOlder?: () => Promise<void>;
}

/** Every task, newest first, a page at a time: "Older tasks" at the bottom loads the next page. */
export function TaskList({ tasks, desktops, loaded, unreachable, onOpen, onLoadOlder }: Props) {
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [problem, setProblem] = useState('');

  async function loadOlder(load: () => Promise<void>) {
    setLoadingOlder(true);
    setProblem('');
    try {
      await load();
    } catch (error) {
      setProblem(error instanceof ApiFailure ? error.message : 'Could not load older tasks. Try again.');
    } finally {
      setLoadingOlder(false);
    }
  }

  return (
    <section class="task-list" aria-labelledby="task-list-heading">
      <h2 id="task-list-heading">Your tasks</h2>
      {!loaded ? (
        <p class="muted">{unreachable ? 'Your tasks will show up here once this phone reaches your desktop again.' : 'Loading tasks…'}</p>
      ) : tasks.length === 0 ? (
        <p class="muted">No tasks yet. Dispatch one above and it will show up here.</p>
      ) : (
        <ul class="task-list__items">
          {tasks.map((task) => (
            <TaskListItem key={task.id} task={task} desktopName={desktopNameIfMany(task.desktopId, desktops)} onOpen={onOpen} />
          ))}
        </ul>
      )}
      {loaded && onLoadOlder && (
        <div class="task-list__more">
          {problem && (
            <p class="form-error" role="alert">
              {problem}
            </p>
          )}
          <button type="button" class="button button--ghost" disabled={loadingOlder} aria-busy={loadingOlder} onClick={() => loadOlder(onLoadOlder)}>
            {loadingOlder ? 'Loading older tasks…' : 'Older tasks'}
          </button>
        </div>
      )}
    </section>
  );
}
