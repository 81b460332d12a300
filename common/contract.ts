/**
 * The contract shared by workflows, activities, the worker and every client (CLI, gateway).
 *
 * Workflow code imports this module, so it must stay deterministic: no Node built-ins, no I/O.
 * Anything that travels through Temporal history is defined here once, small and versionable;
 * screenshots and transcripts never do: they travel as {@link BlobRef}s into the content store.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';

/**
 * Workflow type names, as registered by the worker and started by clients. The screen queue ran
 * as `screenLock` on earlier releases; workflows/index.ts still registers that name.
 */
export const WorkflowType = {
  agentTask: 'agentTask',
  screenQueue: 'screenQueue',
} as const;

/**
 * The names tools are declared and called by: the activities declare them to the model, the
 * workflow's tool families recognise calls by them.
 */
export const ToolName = {
  computer: 'computer',
  textEditor: 'str_replace_based_edit_tool',
  fileManager: 'file_manager',
  askUser: 'ask_user',
} as const;

/** The task queue a desktop's worker polls; workflows and activities of that desktop run there. */
export function desktopTaskQueue(desktopId: string): string {
  return `desktop-${desktopId}`;
}

/**
 * The id of the desktop's screen queue (workflows/screen-queue.ts). It is still the id the queue
 * had as `screenLock`, on purpose: a queue under a new id, started beside one an earlier release
 * left running, would hand the screen to a new task while a task of the old queue still held it;
 * and tasks signal this id from workflow code, so their recorded histories name it.
 */
export function screenLockWorkflowId(desktopId: string): string {
  return `screen-lock-${desktopId}`;
}

/** A SHA-256 hex digest naming a blob in the content-addressed store under the data folder. */
export type BlobRef = string;

/** Stable `ApplicationFailure.type` values, so clients can explain a failure without parsing text. */
export const ErrorType = {
  modelAuth: 'ModelAuthError',
  modelRequest: 'ModelRequestError',
  modelUnavailable: 'ModelUnavailableError',
  modelOutput: 'ModelOutputError',
  displayUnavailable: 'DisplayUnavailableError',
  invalidTaskInput: 'InvalidTaskInputError',
} as const;
export type ErrorTypeName = (typeof ErrorType)[keyof typeof ErrorType];

/** What a client submits to start a task. */
export interface TaskInput {
  /** What the person asked for, in their words. */
  prompt: string;
  /** The desktop that carries the task out. */
  desktopId: string;
  /** Model id; the worker's configured default when absent. */
  model?: string;
  /** The loop ends with reason `max_steps` after this many model decisions. */
  maxSteps?: number;
  /** The task ends with reason `timed_out` this long after it was submitted (DISPATCH_TASK_TIMEOUT). */
  timeoutSeconds?: number;
  /** The schedule that started the task, if one did. */
  scheduleId?: string;
  /** At most this many tasks work on the desktop at once (DISPATCH_MAX_PARALLEL); absent: no limit. */
  maxParallel?: number;
  /** Hide what `type` steps typed from the task's timeline (DISPATCH_REDACT_TYPING). */
  redactTyping?: boolean;
  /** Tools and members that wait for the person's approval before each call (DISPATCH_APPROVE), e.g. `type`. */
  approve?: string[];
  /** How long a question waits for an answer before the model is told none came (DISPATCH_ASK_TIMEOUT). */
  askTimeoutSeconds?: number;
  /** How long an approval waits before it counts as declined (DISPATCH_APPROVAL_TIMEOUT). */
  approvalTimeoutSeconds?: number;
  /**
   * A follow-up to a finished task: the same task id runs again, carrying the conversation so far,
   * and the person's message is the model's next user turn.
   */
  followUp?: FollowUp;
}

/** What a follow-up run of a finished task starts from. */
export interface FollowUp {
  text: string;
  transcriptRef: BlobRef | null;
  stepsTaken: number;
  recentSteps: StepRecord[];
}

/** A question the agent asked the person with the ask_user tool. */
export interface PendingQuestion {
  /** The tool call's id; an answer names it, so a late answer to an earlier question is ignored. */
  id: string;
  text: string;
  options?: string[];
}

/** A call that waits for the person's approval before it runs. */
export interface PendingApproval {
  /** The tool call's id; a decision names it. */
  id: string;
  /** The tool (or toolset member) as the person reads it, e.g. `javascript_exec`. */
  tool: string;
  /** One line saying what it will do. */
  summary: string;
  /** The whole input, so the person sees exactly what runs (the script, the file, the arguments). */
  input: unknown;
}

/**
 * The two coordinate spaces of a screen: `logical` is what the mouse uses; `image` is the size of
 * the screenshot the model sees and the display size the computer tool advertises.
 */
export interface ScreenGeometry {
  logical: { width: number; height: number };
  image: { width: number; height: number };
}

/** Default for {@link TaskInput.maxSteps}. */
export const DEFAULT_MAX_STEPS = 60;

export { MAX_PROMPT_CHARS } from './limits.js';

/** Carried across continue-as-new so a long task keeps its place and its history stays bounded. */
export interface TaskCarryOver {
  stepsTaken: number;
  transcriptRef: BlobRef | null;
  pendingToolResults: ToolResultRecord[];
  /** Human-readable step log, trimmed to the newest entries. */
  recentSteps: StepRecord[];
  holdsScreen: boolean;
  geometry: ScreenGeometry | null;
  lastScreenshotRef: BlobRef | null;
  /** The step count a follow-up run's step budget started from; absent for a first run. */
  stepLimitFrom?: number;
}

/** One tool result handed back to the model on its next turn. Images are references. */
export interface ToolResultRecord {
  toolUseId: string;
  /** Echoes the call's `toolset_name`: the API refuses a toolset member's result without it. */
  toolsetName?: string;
  isError: boolean;
  text?: string;
  imageRef?: BlobRef;
  imageMediaType?: 'image/png' | 'image/jpeg' | 'image/webp';
  /**
   * Other content blocks a toolset's result carries, sent as they are after the text and image
   * (the browser toolset's small `browser_state` block). Never inline images or large data: an
   * MCP result's further images travel here as image references into the content store, and a
   * PDF the text editor hands the model as a document reference (activities/model/transcript.ts).
   */
  blocks?: Array<Record<string, unknown>>;
}

/**
 * What the model hears about a side effect whose earlier attempt died before it reported back:
 * it is never repeated blindly, and whether it took effect is unknown. `subject` names what was
 * cut short ("This action", "This file operation"); each tool family goes on with what to look at
 * before going on, so the wording stays true for each.
 */
export function interruptedBeforeReport(subject: string): string {
  return `${subject} was interrupted before it reported back, so it may or may not have happened`;
}

/**
 * One tool call from the model, as the workflow routes it. `toolsetName` is set on a toolset
 * member call (`name` is then the member, e.g. `left_click`); a custom tool may share a member's
 * name, so the pair decides which family answers.
 */
export interface ToolCall {
  id: string;
  name: string;
  toolsetName?: string;
  input: unknown;
  /**
   * What the desktop knows about this call that the workflow cannot (an MCP tool's annotations
   * and its server's approval setting), attached when the model's decision is read.
   */
  policy?: ToolCallPolicy;
}

/** How a call may be run, as the desktop's tool registry says. */
export interface ToolCallPolicy {
  /** The person approves each call before it runs. */
  approval?: boolean;
  /** Running it twice does no harm (read-only or idempotent), so a failed attempt may be retried. */
  retrySafe?: boolean;
}

/** One entry of the task's timeline, as a person reads it. */
export interface StepRecord {
  index: number;
  at: string;
  /** e.g. "click at (412, 300)", "type 23 characters", "edit /home/me/notes.txt". */
  description: string;
  /** The screenshot the model saw before this step, if any. */
  screenshotRef?: BlobRef;
  /** What the agent said or thought (its summarized thinking) before this turn's first step. */
  narration?: string;
  /** The text a `type` step typed, unless DISPATCH_REDACT_TYPING hides it. */
  typed?: string;
  /** Where a pointer step acted, in screen pixels (what the person's own screen shows). */
  point?: { x: number; y: number };
  /** The screen's size in the same pixels as `point`, so a client can place the point on the screenshot. */
  screen?: { width: number; height: number };
  isError?: boolean;
  detail?: string;
}

/** Why a task ended. `completed` is the only success. */
/** `declined`: the model refused the task (stop_reason `refusal`). */
/** `skipped`: a scheduled run another run of its schedule already covered. */
export type TaskEndReason = 'completed' | 'max_steps' | 'cancelled' | 'needs_user' | 'declined' | 'timed_out' | 'skipped';

/** The workflow's result: a finished task is a result with a reason, never a crash. */
export interface TaskResult {
  reason: TaskEndReason;
  /** The model's final words, or what stopped the task. */
  text: string;
  steps: number;
  transcriptRef: BlobRef | null;
  /** The last steps taken, so a finished task's timeline is readable without its desktop. */
  recentSteps: StepRecord[];
}

/** Steps kept in the memo's progress; the full recent list comes from the status query or result. */
export const MEMO_STEPS_KEPT = 5;

/**
 * Set when a task starts and updated by the workflow at every change, readable with `describe`
 * alone: it never waits for the desktop's worker (queries do, and a workflow busy with a local
 * activity answers none), and it stays readable while the desktop is offline.
 */
export interface TaskMemo {
  prompt: string;
  desktopId: string;
  /** The task this one retries, if any. */
  retryOf?: string;
  /** The model the task runs with, as started; a retry keeps it. Absent on tasks started before it was recorded. */
  model?: string;
  /** The schedule that started this task, if one did. */
  scheduleId?: string;
  /** The newest progress; absent until the workflow first runs. `recentSteps` holds the last few. */
  progress?: TaskStatus;
}

/** Where a task is, as clients show it. */
export type TaskPhase = 'queued' | 'running' | 'needs_input' | 'needs_approval' | 'finished';

export interface TaskStatus {
  phase: TaskPhase;
  /** 1-based place in the desktop's line while queued; 0 once it holds the screen. */
  queuePosition: number;
  stepsTaken: number;
  currentStep: string;
  recentSteps: StepRecord[];
  result?: TaskResult;
  /** Set while the task waits for the person's answer (phase `needs_input`). */
  question?: PendingQuestion;
  /** Set while the task waits for the person's approval (phase `needs_approval`). */
  approval?: PendingApproval;
}

/** Signal: the person's answer to the question with this id. Signals are durable while the desktop is away. */
export const answerSignal = defineSignal<[{ questionId: string; text: string }]>('answer');
/** Signal: the person's decision on the approval with this id; `always` approves this tool for the rest of the task. */
export const approvalSignal = defineSignal<[{ approvalId: string; approve: boolean; always?: boolean }]>('approval');
/** Signal: a message from the person to a running task; the model reads it at its next decision. */
export const followUpSignal = defineSignal<[{ text: string }]>('followUp');

/** Query: the task's current status. Answered by the workflow, so it needs the desktop's worker. */
export const taskStatusQuery = defineQuery<TaskStatus>('taskStatus');

/**
 * A request for the screen names the requesting run (`claim`, its run id), and the grant echoes
 * it: a grant replayed into a reset run, or sent to an earlier run, is recognised and ignored.
 */
export interface ScreenClaim {
  taskId: string;
  claim: string;
  /** When the task was submitted (its workflow chain started): the line is kept in this order. */
  submittedAt: string;
  /**
   * Take the screen only if nobody holds it or waits for it; otherwise answer with
   * {@link screenBusySignal} and leave the line as it is. A task starts this way, so work that
   * needs no screen (files, the browser) never queues behind a task that drives it.
   */
  onlyIfFree?: boolean;
  /**
   * A request for one of the desktop's task slots, not the screen: at most `max` tasks work on a
   * desktop at once (DISPATCH_MAX_PARALLEL); the rest wait in submission order.
   */
  slot?: { max: number };
}

/** Signal from the screen queue: the run that made `claim` now holds the desktop's screen and input. */
export const screenGrantedSignal = defineSignal<[{ claim: string }]>('screenGranted');
/** Signal from the screen queue: the run that made `claim` now holds one of the desktop's task slots. */
export const slotGrantedSignal = defineSignal<[{ claim: string }]>('slotGranted');
/** Signal from the screen queue: an `onlyIfFree` request found the screen taken, by `holder` (a task id). */
export const screenBusySignal = defineSignal<[{ claim: string; holder: string | null }]>('screenBusy');
/** Signal from the screen queue: the task's 1-based place in line changed. */
export const queuePositionSignal = defineSignal<[number]>('queuePosition');

/** Signal to the screen queue: a task wants the screen. Sent with signal-with-start; repeating it is harmless. */
export const acquireScreenSignal = defineSignal<[ScreenClaim]>('acquireScreen');
/**
 * Signal to the screen queue: a task is done with the screen, or leaves the line; with
 * `screenOnly`, it lets the screen go for a while but keeps its task slot and goes on working.
 */
export const releaseScreenSignal = defineSignal<[{ taskId: string; screenOnly?: boolean }]>('releaseScreen');

/** Query on the screen queue: who holds the screen and who waits, in order. */
export const screenLockStateQuery = defineQuery<{ holder: string | null; waiting: string[] }>('screenLockState');
