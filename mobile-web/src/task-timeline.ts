import type { TaskDetail, TaskStep } from '../../common/api-schemas.js';
import { isFinished } from './store.js';

/** A click or other pointer action drawn on a screenshot: its number in the step, and where, as fractions of the image. */
export interface Mark {
  n: number;
  /** 0 at the left edge, 1 at the right. */
  x: number;
  /** 0 at the top edge, 1 at the bottom. */
  y: number;
}

/** One screenshot the agent looked at during a step, with the pointer actions it took on it. */
export interface Shot {
  url: string;
  marks: Mark[];
  /** Width / height of the screen, when a mark told it: the preview's frame keeps it before the image arrives. */
  aspect?: number;
}

/** One model decision (what the CLI counts as a step) and the actions it ran. */
export interface StepGroup {
  /** The decision's number, 1-based, as the CLI prints it. */
  index: number;
  /** When its last action finished. */
  at: string;
  /** Since the previous decision's last action, or since the task started; unknown for steps carried from an earlier run. */
  tookMs?: number;
  narration?: string;
  actions: TaskStep[];
  shots: Shot[];
  isError: boolean;
}

function elapsedBetween(from: string, to: string): number | undefined {
  const ms = Date.parse(to) - Date.parse(from);
  return ms >= 0 ? ms : undefined;
}

/**
 * Where a pointer action acted, as fractions of any rendering of the screenshot. The screenshot
 * shows the whole screen however much it was scaled for the model, so screen pixels over screen
 * size place it on the 480 px preview and on the full-size image alike. Absent for steps recorded
 * before the screen size was.
 */
export function markOf(step: TaskStep, n: number): Mark | undefined {
  const { point, screen } = step;
  if (!point || !screen || screen.width <= 0 || screen.height <= 0) return undefined;
  const clamp = (value: number) => Math.min(1, Math.max(0, value));
  return { n, x: clamp((point.x + 0.5) / screen.width), y: clamp((point.y + 0.5) / screen.height) };
}

/**
 * The timeline as decisions, oldest first: records that share an index came from one model turn,
 * so they form one step with the turn's narration, each distinct screenshot once, and every
 * pointer action marked on the screenshot it acted on.
 */
export function groupSteps(steps: TaskStep[], createdAt: string): StepGroup[] {
  const ordered = [...steps].sort((a, b) => a.index - b.index || a.at.localeCompare(b.at));
  const groups: StepGroup[] = [];
  for (const step of ordered) {
    let group = groups.at(-1);
    if (!group || group.index !== step.index) {
      group = { index: step.index, at: step.at, actions: [], shots: [], isError: false };
      groups.push(group);
    }
    group.at = step.at;
    group.tookMs = elapsedBetween(groups.at(-2)?.at ?? createdAt, step.at);
    group.narration ??= step.narration;
    group.isError ||= step.isError === true;
    group.actions.push(step);
    if (step.screenshotUrl) {
      let shot = group.shots.find((candidate) => candidate.url === step.screenshotUrl);
      if (!shot) group.shots.push((shot = { url: step.screenshotUrl, marks: [] }));
      const mark = markOf(step, group.actions.length);
      if (mark) shot.marks.push(mark);
      if (step.screen) shot.aspect = step.screen.width / step.screen.height;
    }
  }
  return groups;
}

/** "Left click at (1240, 713)": the step's words, with a pointer's place in screen pixels instead of the model's scaled image. */
export function actionText(step: TaskStep): string {
  let text = step.description;
  if (step.point) text = text.replace(/\(-?\d+, -?\d+\)$/, `(${Math.round(step.point.x)}, ${Math.round(step.point.y)})`);
  const typing = /^type (\d+) characters?$/.exec(text);
  if (typing) {
    const count = Number(typing[1]);
    if (step.typed === undefined) text = `Typed ${count} characters (this desktop keeps typed text private)`;
    else text = step.typed.length < count ? `Typed (the first ${step.typed.length} of ${count} characters):` : 'Typed:';
  }
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** When the task's latest run stopped working: its end, else its last step; undefined while it works. */
export function endOf(task: TaskDetail): string | undefined {
  if (!isFinished(task.status)) return undefined;
  return task.finishedAt ?? task.steps.reduce<string | undefined>((latest, step) => (latest === undefined || step.at > latest ? step.at : latest), undefined);
}

/** How long the task has taken: from its start to its end, or to `now` while it works. */
export function elapsedMs(task: TaskDetail, now: number): number {
  const end = endOf(task);
  return Math.max(0, (end === undefined ? now : Date.parse(end)) - Date.parse(task.createdAt));
}

/** The decisions taken, as the CLI counts them; older gateways send no count, so the timeline's own is the fallback. */
export function decisionsTaken(task: TaskDetail): number {
  return task.stepsTaken ?? new Set(task.steps.map((step) => step.index)).size;
}
