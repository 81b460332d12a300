import type { TaskSummary } from '../../../common/api-schemas.js';
import { TaskListItem } from './task-list-item.js';

interface Props {
  tasks: TaskSummary[];
  loaded: boolean;
  /** The gateway cannot be reached, so an unloaded list will not load until it can. */
  unreachable: boolean;
  onOpen: (id: string) => void;
}

/** Every task, newest first. */
export function TaskList({ tasks, loaded, unreachable, onOpen }: Props) {
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
            <TaskListItem key={task.id} task={task} onOpen={onOpen} />
          ))}
        </ul>
      )}
    </section>
  );
}
