import type { ApiTaskStatus, Desktop, TaskDetail, TaskSummary } from '../../common/api-schemas.js';
import { compareDesktops } from './desktop-names.js';

/** What the phone knows about the gateway: tasks newest first, details of tasks it has opened, desktops. */
export interface GatewayData {
  tasks: TaskSummary[];
  /** False until the first task list arrives, so the list can show "Loading" instead of "No tasks". */
  tasksLoaded: boolean;
  details: Readonly<Record<string, TaskDetail>>;
  /** null until the first desktop list arrives. */
  desktops: Desktop[] | null;
  /** Reads the page after the last one loaded; absent when the oldest task is in `tasks`. */
  nextCursor?: string;
  /** Older pages were loaded with "Older tasks", so a re-fetched first page must not drop them. */
  olderLoaded: boolean;
}

export type GatewayAction =
  /** The first page, fetched on (re)connect. */
  | { type: 'tasks'; tasks: TaskSummary[]; nextCursor?: string }
  /** The next, older page, appended. */
  | { type: 'olderTasks'; tasks: TaskSummary[]; nextCursor?: string }
  | { type: 'task'; task: TaskDetail }
  | { type: 'desktops'; desktops: Desktop[] }
  | { type: 'desktop'; desktop: Desktop };

export const emptyGatewayData: GatewayData = { tasks: [], tasksLoaded: false, details: {}, desktops: null, olderLoaded: false };

const FINISHED: ReadonlySet<ApiTaskStatus> = new Set(['succeeded', 'failed', 'cancelled']);

export function isFinished(status: ApiTaskStatus): boolean {
  return FINISHED.has(status);
}

/**
 * Folds fetched lists and pushed updates into one picture. Pushes and re-fetches race (a GET
 * answered just before a push can arrive just after it), so an update that would move a task
 * backwards — out of a finished state, or to an older newest step — is taken as stale and ignored.
 * (Step counts can shrink legitimately: the gateway keeps only the newest steps of long tasks.)
 */
export function reduceGateway(state: GatewayData, action: GatewayAction): GatewayData {
  switch (action.type) {
    case 'tasks': {
      const tasks = action.tasks.map((task) => {
        const known = state.details[task.id];
        return known && isStale(known, task) ? summaryOf(known) : task;
      });
      if (!state.olderLoaded) return { ...state, tasks, tasksLoaded: true, nextCursor: action.nextCursor };
      // Keep the older pages already shown; the first page's order comes first.
      const fresh = new Set(tasks.map((task) => task.id));
      return { ...state, tasks: [...tasks, ...state.tasks.filter((task) => !fresh.has(task.id))], tasksLoaded: true };
    }
    case 'olderTasks': {
      // A task shown already (pushed, or a later run of a continued task) keeps its place.
      const known = new Set(state.tasks.map((task) => task.id));
      const older = action.tasks.filter((task) => !known.has(task.id));
      return { ...state, tasks: [...state.tasks, ...older], nextCursor: action.nextCursor, olderLoaded: true };
    }
    case 'task': {
      const known = state.details[action.task.id];
      const newerRun = known !== undefined && action.task.createdAt > known.createdAt;
      if (known && !newerRun && (isStale(known, action.task) || lastStepAt(action.task) < lastStepAt(known))) return state;
      return { ...state, details: { ...state.details, [action.task.id]: action.task }, tasks: upsert(state.tasks, summaryOf(action.task)) };
    }
    case 'desktops':
      return { ...state, desktops: action.desktops };
    case 'desktop': {
      // A newcomer (or a renamed desktop) takes the place the gateway's own list would give it.
      const others = (state.desktops ?? []).filter((desktop) => desktop.id !== action.desktop.id);
      return { ...state, desktops: [...others, action.desktop].sort(compareDesktops) };
    }
  }
}

/** A finished task only becomes unfinished again as a newer run (a follow-up continued it). */
function isStale(known: TaskSummary, incoming: TaskSummary): boolean {
  return isFinished(known.status) && !isFinished(incoming.status) && incoming.createdAt <= known.createdAt;
}

function lastStepAt(task: TaskDetail): string {
  return task.steps.reduce((latest, step) => (step.at > latest ? step.at : latest), '');
}

export function summaryOf(task: TaskDetail): TaskSummary {
  const { id, prompt, desktopId, status, createdAt, queuePosition, currentStep } = task;
  return { id, prompt, desktopId, status, createdAt, queuePosition, currentStep };
}

/** Replaces the task in place, or inserts it keeping the list newest first. */
function upsert(tasks: TaskSummary[], task: TaskSummary): TaskSummary[] {
  const index = tasks.findIndex((existing) => existing.id === task.id);
  if (index !== -1) return tasks.map((existing, i) => (i === index ? task : existing));
  const at = tasks.findIndex((existing) => existing.createdAt < task.createdAt);
  return at === -1 ? [...tasks, task] : [...tasks.slice(0, at), task, ...tasks.slice(at)];
}
