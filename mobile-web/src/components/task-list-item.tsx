import type { TaskSummary } from '../../../common/api-schemas.js';
import { createdWhen, queueNote } from '../format.js';
import { urlForRoute } from '../route.js';
import { StatusBadge } from './status-badge.js';

interface Props {
  task: TaskSummary;
  onOpen: (id: string) => void;
}

/** One row of the list: the prompt (two lines at most), its status and when it was made; the whole row opens it. */
export function TaskListItem({ task, onOpen }: Props) {
  const note = queueNote(task) ?? (task.status === 'running' || task.status === 'waiting' ? task.currentStep : undefined);
  const needsYou = task.status === 'needs_input' || task.status === 'needs_approval';
  return (
    <li class={needsYou ? 'task-row--needs-you' : undefined}>
      <a
        class="task-row"
        href={urlForRoute({ name: 'task', id: task.id })}
        onClick={(event) => {
          if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
          event.preventDefault();
          onOpen(task.id);
        }}
      >
        <span class="task-row__prompt">{task.prompt}</span>
        <span class="task-row__meta">
          <StatusBadge status={task.status} />
          <span class="task-row__note">{note}</span>
          <time class="task-row__time" dateTime={task.createdAt}>
            {createdWhen(task.createdAt)}
          </time>
        </span>
      </a>
    </li>
  );
}
