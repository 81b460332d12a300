import type { TaskSummary } from '../../../common/api-schemas.js';
import { createdWhen, queueNote } from '../format.js';
import { urlForRoute } from '../route.js';
import { StatusBadge } from './status-badge.js';

interface Props {
  task: TaskSummary;
  /** Where it ran, shown as "on Laptop"; absent when the phone knows only that desktop. */
  desktopName?: string;
  onOpen: (id: string) => void;
}

/** One row of the list: the prompt (two lines at most), its status, where it ran and when it was made; the whole row opens it. */
export function TaskListItem({ task, desktopName, onOpen }: Props) {
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
          {desktopName && <span class="task-row__desktop">on {desktopName}</span>}
          <time class="task-row__time" dateTime={task.createdAt}>
            {createdWhen(task.createdAt)}
          </time>
        </span>
      </a>
    </li>
  );
}
