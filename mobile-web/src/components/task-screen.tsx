import { useEffect, useRef, useState } from 'preact/hooks';
import type { Desktop, TaskDetail, TaskSummary } from '../../../common/api-schemas.js';
import { ApiFailure, type ApiClient } from '../api.js';
import { linkState } from '../connection-state.js';
import type { ConnectionState } from '../events.js';
import { desktopNameIfMany } from '../desktop-names.js';
import { createdWhen } from '../format.js';
import { isFinished, type GatewayAction } from '../store.js';
import { nowLine } from '../task-now.js';
import { usePhoneOnline } from '../use-phone-online.js';
import { ApprovalCard } from './approval-card.js';
import { ConnectionIndicator } from './connection-indicator.js';
import { NowLine } from './now-line.js';
import { OutcomeCard } from './outcome-card.js';
import { QuestionCard } from './question-card.js';
import { ReplyBox } from './reply-box.js';
import { StatusBadge } from './status-badge.js';
import { StepTimeline } from './step-timeline.js';
import { TaskActions } from './task-actions.js';
import { TaskStats } from './task-stats.js';

interface Props {
  api: ApiClient;
  id: string;
  /** The full task once fetched or pushed. */
  task: TaskDetail | undefined;
  /** Its row from the list, to show the prompt at once while the detail loads. */
  summary: TaskSummary | undefined;
  /** Every task the phone knows, to name the one this task waits for. */
  tasks: readonly TaskSummary[];
  /** The desktop list, null until it first arrives. */
  desktops: readonly Desktop[] | null;
  connection: ConnectionState;
  /** Changes on every reconnect: time to re-fetch. */
  generation: number;
  dispatch: (action: GatewayAction) => void;
  onOpenTask: (id: string) => void;
  focusHeading: boolean;
}

const LONG_PROMPT = 280;

/**
 * One task, followed live. Top down: whether the phone can hear from it, what was asked, its
 * outcome once finished (or what it waits for now), then every step with what the agent thought,
 * typed and clicked.
 */
export function TaskScreen({ api, id, task, summary, tasks, desktops, connection, generation, dispatch, onOpenTask, focusHeading }: Props) {
  const [loadError, setLoadError] = useState<ApiFailure | null>(null);
  const [fullPrompt, setFullPrompt] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const phoneOnline = usePhoneOnline();

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
  // Until the task is known, the gateway's own desktop: the one that answers for it.
  const desktopId = shown?.desktopId ?? desktops?.find((candidate) => candidate.current)?.id;
  const desktop = desktops?.find((candidate) => candidate.id === desktopId);
  const link = linkState({ phoneOnline, connection, desktopsLoaded: desktops !== null, desktop, task: shown });
  const ranOn = desktopId ? desktopNameIfMany(desktopId, desktops) : undefined;
  const indicator = <ConnectionIndicator state={link.state} text={link.text} variant="line" label={link.state === 'live' || link.state === 'away' ? ranOn : undefined} />;
  if (!shown) {
    const gone = loadError?.status === 404;
    return (
      <main class="screen screen--task">
        {indicator}
        <h1 ref={heading} tabIndex={-1}>
          {gone ? 'Task not found' : loadError ? 'Could not load this task' : 'Loading task…'}
        </h1>
        {loadError && <p class="notice notice--error">{gone ? 'This task does not exist on your desktop (any more).' : loadError.message}</p>}
      </main>
    );
  }

  const long = shown.prompt.length > LONG_PROMPT;
  const now = nowLine(task ?? shown, { desktops, tasks });
  const heard = link.state !== 'phone-offline' && link.state !== 'unreachable';
  return (
    <main class="screen screen--task">
      {indicator}
      <p class="eyebrow">
        Task · <time dateTime={shown.createdAt}>{createdWhen(shown.createdAt)}</time>
        {ranOn && <> · on {ranOn}</>}
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
        {task && <TaskStats task={task} />}
      </p>
      {task && isFinished(task.status) && <OutcomeCard task={task} />}
      {now && <NowLine line={now} stale={!heard} onOpenTask={onOpenTask} />}
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
      {task ? <StepTimeline api={api} task={task} /> : <p class="muted">Loading steps…</p>}
      {task && task.status !== 'needs_input' && <ReplyBox key={task.id} api={api} task={task} />}
      {task && (
        <TaskActions api={api} task={task} onUpdated={(updated) => dispatch({ type: 'task', task: updated })} onRetried={onOpenTask} />
      )}
    </main>
  );
}
