import type { Desktop, TaskDetail, TaskSummary } from '../../common/api-schemas.js';
import { desktopNameIfMany } from './desktop-names.js';
import { createdWhen } from './format.js';

/** What a task is doing or waiting for right now, in words, and the task in its way if there is one. */
export interface NowLine {
  /** `you`: it waits for the person; `waiting`: for the desktop, its screen or another task; `working`: it is busy. */
  tone: 'you' | 'waiting' | 'working';
  text: string;
  /** The task that holds what this one waits for; `prompt` when the phone knows it. */
  blocker?: { id: string; prompt?: string };
}

/** What the phone knows beyond the task itself, to say what the task waits for. */
export interface NowContext {
  /** The desktop list as last heard, null until it first arrives: the task's desktop's state, and its name when there are several. */
  desktops: readonly Desktop[] | null;
  /** The tasks the phone knows, to name the one in the way. */
  tasks: readonly TaskSummary[];
  now?: Date;
}

const ACTIVE = new Set<TaskSummary['status']>(['running', 'needs_input', 'needs_approval']);

/** Another task working on the same desktop: the likely holder of its screen when the gateway did not name one. */
function workingBeside(task: TaskSummary, tasks: readonly TaskSummary[]): TaskSummary | undefined {
  return tasks.find((other) => other.id !== task.id && other.desktopId === task.desktopId && ACTIVE.has(other.status));
}

function blockerFrom(id: string | undefined, task: TaskSummary, tasks: readonly TaskSummary[]): NowLine['blocker'] {
  const known = id ? tasks.find((other) => other.id === id) : workingBeside(task, tasks);
  if (known) return { id: known.id, prompt: known.prompt };
  return id ? { id } : undefined;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The words for a working task's current step: what it decides, or which action it runs, in screen terms. */
function working(task: Pick<TaskDetail, 'currentStep' | 'stepsTaken'>): string {
  const step = task.currentStep ?? 'Starting';
  const next = task.stepsTaken === undefined ? '' : ` (step ${task.stepsTaken + 1})`;
  if (step.startsWith('Thinking about the task')) return `Reading your request and deciding the first step${step.slice('Thinking about the task'.length)}`;
  if (step.startsWith('Thinking about the next step')) return `Looking at the result and deciding what to do next${next}${step.slice('Thinking about the next step'.length)}`;
  // The model's own coordinates mean nothing on the phone; the timeline shows where it acted.
  const words = step.replace(/ at \(-?\d+, -?\d+\)/g, '');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * What the task waits for or does, for the "Now" line: the person's answer or approval, the
 * desktop (away since when), the screen (held by which task), its place in line, or the step it
 * is on. The desktop is "your desktop" on a phone that knows only one, and named otherwise.
 * Undefined once the task has finished: its outcome says the rest.
 */
export function nowLine(task: TaskSummary & Partial<Pick<TaskDetail, 'approval' | 'stepsTaken'>>, context: NowContext): NowLine | undefined {
  const { desktops, tasks } = context;
  const desktop = desktops?.find((candidate) => candidate.id === task.desktopId);
  const where = desktopNameIfMany(task.desktopId, desktops) ?? 'your desktop';
  switch (task.status) {
    case 'needs_input':
      return { tone: 'you', text: 'Waiting for your answer to the question below.' };
    case 'needs_approval':
      return { tone: 'you', text: task.approval ? `Waiting for your approval: ${task.approval.summary}.` : 'Waiting for your approval below.' };
    case 'waiting':
      return {
        tone: 'waiting',
        text: desktop?.lastSeen
          ? `Waiting for ${where}, away since ${createdWhen(desktop.lastSeen, context.now)}. It carries on when the desktop is back.`
          : `Waiting for ${where} to come back online. It carries on when it is back.`,
      };
    case 'queued': {
      const position = task.queuePosition;
      if (position !== undefined && position > 1) {
        return { tone: 'waiting', text: `Waiting for ${plural(position - 1, 'earlier task', 'earlier tasks')} on ${where} to finish (#${position} in line).` };
      }
      const blocker = blockerFrom(undefined, task, tasks);
      if (position === 1) return { tone: 'waiting', text: blocker ? 'Next in line. It starts when this task is done:' : `Next in line. It starts as soon as ${where} is free.`, blocker };
      return blocker ? { tone: 'waiting', text: 'Waiting for the screen, in use by:', blocker } : { tone: 'working', text: `Starting on ${where}…` };
    }
    case 'running': {
      const step = task.currentStep ?? '';
      if (step.startsWith('Waiting for the screen')) {
        const place = /number (\d+) in line/.exec(step)?.[1];
        const blocker = blockerFrom(/held by (task-[^\s,:]+)/.exec(step)?.[1], task, tasks);
        const where = place ? ` (#${place} in line)` : '';
        return { tone: 'waiting', text: blocker ? `Waiting for the screen${where}, in use by:` : `Waiting for the screen${where}.`, blocker };
      }
      return { tone: 'working', text: working(task) };
    }
    default:
      return undefined;
  }
}
