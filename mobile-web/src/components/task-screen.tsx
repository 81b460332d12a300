import { useEffect, useRef, useState } from 'preact/hooks';
import type { TaskDetail, TaskSummary } from '../../../common/api-schemas.js';
import { ApiFailure, type ApiClient } from '../api.js';
import { createdWhen, queueNote } from '../format.js';
import { isFinished, type GatewayAction } from '../store.js';
import { ApprovalCard } from './approval-card.js';
import { CurrentStep } from './current-step.js';
import { QuestionCard } from './question-card.js';
import { ReplyBox } from './reply-box.js';
import { StatusBadge } from './status-badge.js';
import { StepTimeline } from './step-timeline.js';
import { TaskActions } from './task-actions.js';

interface Props {
  api: ApiClient;
  id: string;
  /** The full task once fetched or pushed. */
  task: TaskDetail | undefined;
  /** Its row from the list, to show the prompt at once while the detail loads. */
  summary: TaskSummary | undefined;
  /** Changes on every reconnect: time to re-fetch. */
  generation: number;
  dispatch: (action: GatewayAction) => void;
  onOpenTask: (id: string) => void;
  focusHeading: boolean;
}

const LONG_PROMPT = 280;

/** One task, followed live: what was asked, where it is, every step, and how it ended. */
export function TaskScreen({ api, id, task, summary, generation, dispatch, onOpenTask, focusHeading }: Props) {
  const [loadError, setLoadError] = useState<ApiFailure | null>(null);
  const [fullPrompt, setFullPrompt] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let current = true;
    setLoadError(null);
    api.getTask(id).then(
      (fetched) => current && dispatch({ type: 'task', task: fetched }),
      (error: unknown) => current && setLoadError(error instanceof ApiFailure ? error : new ApiFailure(0, 'unknown', 'Could not load this task.')),
    );
    return () => {
      current = false;
    };
  }, [api, id, generation, dispatch]);

  useEffect(() => {
    if (focusHeading) heading.current?.focus();
  }, [id, focusHeading]);

  const shown = task ?? summary;
  if (!shown) {
    const gone = loadError?.status === 404;
    return (
      <main class="screen">
        <h1 ref={heading} tabIndex={-1}>
          {gone ? 'Task not found' : loadError ? 'Could not load this task' : 'Loading task…'}
        </h1>
        {loadError && <p class="notice notice--error">{gone ? 'This task does not exist on your desktop (any more).' : loadError.message}</p>}
      </main>
    );
  }

  const long = shown.prompt.length > LONG_PROMPT;
  const note = queueNote(shown);
  return (
    <main class="screen screen--task">
      <p class="eyebrow">
        Task · <time dateTime={shown.createdAt}>{createdWhen(shown.createdAt)}</time>
        {shown.desktopId && <> · {shown.desktopId}</>}
        {task?.model && <> · model {task.model}</>}
      </p>
      <h1 ref={heading} tabIndex={-1} class={`task-prompt${long && !fullPrompt ? ' task-prompt--clamped' : ''}`}>
        {shown.prompt}
      </h1>
      {long && (
        <button type="button" class="button button--small button--ghost" aria-expanded={fullPrompt} onClick={() => setFullPrompt(!fullPrompt)}>
          {fullPrompt ? 'Show less' : 'Show the whole prompt'}
        </button>
      )}
      <p class="task-status">
        <StatusBadge status={shown.status} />
        {note && <span class="task-status__note">{note}</span>}
      </p>
      <CurrentStep task={shown} />
      {task?.status === 'needs_input' && task.question && <QuestionCard key={task.question.id} api={api} taskId={task.id} question={task.question} />}
      {task?.status === 'needs_approval' && task.approval && <ApprovalCard key={task.approval.id} api={api} taskId={task.id} approval={task.approval} />}
      {loadError && task && <p class="notice notice--warning">Showing what the phone last heard: {loadError.message}</p>}
      {task?.retryOf && (
        <p>
          <a
            href={`/?task=${encodeURIComponent(task.retryOf)}`}
            onClick={(event) => {
              event.preventDefault();
              onOpenTask(task.retryOf as string);
            }}
          >
            Open the earlier attempt
          </a>
        </p>
      )}
      {task ? <StepTimeline api={api} steps={task.steps} /> : <p class="muted">Loading steps…</p>}
      {task?.result && (
        <section class="outcome outcome--success" aria-labelledby="result-heading">
          <h2 id="result-heading">Result</h2>
          <p class="outcome__text">{task.result}</p>
        </section>
      )}
      {task?.error && (
        <section class="outcome outcome--failure" aria-labelledby="failure-heading">
          <h2 id="failure-heading">{task.status === 'cancelled' ? 'Why it stopped' : 'Why it failed'}</h2>
          <p class="outcome__text">{task.error}</p>
        </section>
      )}
      {task && isFinished(task.status) && !task.result && !task.error && <p class="muted">Finished without a message.</p>}
      {task && task.status !== 'needs_input' && <ReplyBox key={task.id} api={api} task={task} />}
      {task && (
        <TaskActions api={api} task={task} onUpdated={(updated) => dispatch({ type: 'task', task: updated })} onRetried={onOpenTask} />
      )}
    </main>
  );
}
