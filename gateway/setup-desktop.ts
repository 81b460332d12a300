import type { ApiTaskStatus, TaskSummary } from '../common/api-schemas.js';
import { desktopTaskQueue } from '../common/contract.js';
import type { Logger } from '../common/logger.js';
import { workflowWebUiUrl } from '../common/temporal-web-ui.js';
import { hasEnded } from './desktop-tasks.js';
import { escapeHtml, timeHtml } from './html.js';

/** Where the setup page reads this desktop's worker and tasks from, all of it through Temporal. */
export interface DesktopSources {
  desktopId: string;
  /** Where Temporal is, for the page's words and its links into the Web UI. */
  temporal: {
    address: string;
    namespace: string;
    /** The Temporal Web UI's address; absent when this desktop does not know it (an external Temporal). */
    webUi?: string;
  };
  /** This desktop's worker as Temporal sees it (`DesktopPresence.status`). */
  worker: () => Promise<WorkerPresence>;
  /** This desktop's tasks, unfinished first, then the latest ended ones (`desktopTasks`). */
  tasks: () => Promise<TaskSummary[]>;
  /** How long Temporal may take before the page is shown without its answer; 3 s by default. */
  timeoutMs?: number;
}

/** A desktop's worker as Temporal sees it: what `DesktopPresence.status` answers. */
export interface WorkerPresence {
  online: boolean;
  /** When the worker was last heard from, ISO 8601, if ever. */
  lastSeen?: string;
}

type Reading<T> = { ok: true; value: T } | { ok: false; problem: string };

/** What Temporal said about this desktop, or why it could not say. */
export interface DesktopReading {
  worker: Reading<WorkerPresence>;
  tasks: Reading<TaskSummary[]>;
}

const LABELS: Record<ApiTaskStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  waiting: 'Waiting for the desktop',
  needs_input: 'Needs your answer',
  needs_approval: 'Needs your approval',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** The phone's badge colours: blue for work, amber for waiting, green and red for outcomes. */
const BADGES: Record<ApiTaskStatus, string> = {
  queued: 'running',
  running: 'running',
  waiting: 'waiting',
  needs_input: 'waiting',
  needs_approval: 'waiting',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'neutral',
};

const PROMPT_CHARS = 140;

async function settle<T>(read: () => Promise<T>, timeoutMs: number): Promise<Reading<T>> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    return { ok: true, value: await Promise.race([read(), late]) };
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Asks Temporal about this desktop's worker and tasks, both at once. Never rejects and never
 * waits past the timeout: a Temporal that is down or slow becomes a line on the page, because the
 * page is also where a person goes to find out why nothing works.
 */
export async function readDesktop(sources: DesktopSources, logger: Logger): Promise<DesktopReading> {
  const timeoutMs = sources.timeoutMs ?? 3_000;
  const [worker, tasks] = await Promise.all([settle(sources.worker, timeoutMs), settle(sources.tasks, timeoutMs)]);
  const problem = !worker.ok ? worker.problem : !tasks.ok ? tasks.problem : undefined;
  if (problem) logger.warn('the setup page cannot reach Temporal', { address: sources.temporal.address, error: problem });
  return { worker, tasks };
}

const cannotReach = (sources: DesktopSources, problem: string): string =>
  `cannot reach Temporal at <code>${escapeHtml(sources.temporal.address)}</code> (${escapeHtml(problem)})`;

/**
 * The page's facts about this desktop and its Temporal, as list items: its id, its worker
 * (online, offline since when, or unknown because Temporal cannot be reached) and where Temporal
 * and its Web UI are.
 */
export function desktopFacts(sources: DesktopSources, reading: DesktopReading): string[] {
  const queue = `<code>${escapeHtml(desktopTaskQueue(sources.desktopId))}</code>`;
  const { worker } = reading;
  const workerLine = !worker.ok
    ? `<span class="badge">Unknown</span> ${cannotReach(sources, worker.problem)}.`
    : worker.value.online
      ? `<span class="badge badge--succeeded">Online</span> Temporal sees this desktop's worker polling its task queue ${queue}.`
      : `<span class="badge badge--failed">Offline</span> Temporal has not heard from this desktop's worker (task queue ${queue}) since ${timeHtml(worker.value.lastSeen, 'it started')}. Tasks given to it wait until it is back.`;
  const { address, namespace, webUi } = sources.temporal;
  const temporalLine = `<code>${escapeHtml(address)}</code>, namespace <code>${escapeHtml(namespace)}</code>. ${
    webUi
      ? `Web UI: <a href="${escapeHtml(webUi)}" target="_blank" rel="noopener noreferrer">${escapeHtml(webUi)}</a>.`
      : '<span class="muted">Its Web UI is not known to this desktop (TEMPORAL_ADDRESS points at another server); look up the workflow ids below in your cluster\'s Web UI.</span>'
  }`;
  return [
    `<strong>Desktop:</strong> <code>${escapeHtml(sources.desktopId)}</code>`,
    `<strong>Worker:</strong> ${workerLine}`,
    `<strong>Temporal:</strong> ${temporalLine}`,
  ];
}

function firstLine(prompt: string): string {
  const line = prompt.trim().split('\n')[0]!.trim();
  return line.length > PROMPT_CHARS ? `${line.slice(0, PROMPT_CHARS - 1)}…` : line;
}

function taskItem(task: TaskSummary, sources: DesktopSources): string {
  const { webUi, namespace } = sources.temporal;
  const workflow = `<code>${escapeHtml(task.id)}</code>`;
  const link = webUi
    ? `<a href="${escapeHtml(workflowWebUiUrl(webUi, namespace, task.id))}" target="_blank" rel="noopener noreferrer" title="Open this task's workflow in the Temporal Web UI">${workflow}</a>`
    : workflow;
  const ended = hasEnded(task);
  const note = ended
    ? `given ${timeHtml(task.createdAt)}`
    : task.status === 'queued' && task.queuePosition !== undefined
      ? `#${task.queuePosition} in line`
      : task.currentStep
        ? escapeHtml(task.currentStep)
        : '';
  return `<li class="task"><p class="task__prompt">${escapeHtml(firstLine(task.prompt))}</p>
<p class="task__meta"><span class="badge badge--${BADGES[task.status]}">${escapeHtml(LABELS[task.status])}</span> <span class="task__note">${note}</span> <span class="task__link">${link}</span></p></li>`;
}

const taskList = (tasks: TaskSummary[], sources: DesktopSources): string =>
  `<ul class="tasks">\n${tasks.map((task) => taskItem(task, sources)).join('\n')}\n</ul>`;

/**
 * The tasks on this desktop: those under way with their current step, then the latest ended ones
 * with their outcome and when they were given; each opens its workflow in the Temporal Web UI
 * when the Web UI is known. Prompts are the person's text and step lines the model's, so both are
 * escaped.
 */
export function renderTasksSections(sources: DesktopSources, reading: DesktopReading): string {
  if (!reading.tasks.ok) {
    return `<h2>Tasks on this desktop</h2>\n<p class="notice notice--error">Cannot list this desktop's tasks: ${cannotReach(sources, reading.tasks.problem)}.</p>`;
  }
  const current = reading.tasks.value.filter((task) => !hasEnded(task));
  const recent = reading.tasks.value.filter(hasEnded);
  return `<h2>Current tasks</h2>
${current.length === 0 ? '<p class="muted">No task is running on this desktop.</p>' : taskList(current, sources)}
<h2>Recent tasks</h2>
${recent.length === 0 ? '<p class="muted">No task has ended on this desktop yet.</p>' : taskList(recent, sources)}`;
}
