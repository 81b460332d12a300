/**
 * The gateway's HTTP and WebSocket contract, written once: the gateway validates requests with
 * these schemas and generates its OpenAPI document from them, and the phone client imports their
 * types. Changing a shape here changes all three.
 */
import { z } from 'zod';
import { cronProblem, isTimeZone } from './cron.js';
import { MAX_PROMPT_CHARS } from './contract.js';
import { DESKTOP_ID_PATTERN } from './desktop-id.js';
import { MODEL_ID_PATTERN } from './models.js';

export { DESKTOP_ID_PATTERN };

export { TASK_ID_PATTERN } from './task-id.js';
import { TASK_ID_PATTERN } from './task-id.js';

/** Where a task is, as a person on a phone sees it. */
export const taskStatusSchema = z.enum(['queued', 'running', 'waiting', 'needs_input', 'needs_approval', 'succeeded', 'failed', 'cancelled']);
export type ApiTaskStatus = z.infer<typeof taskStatusSchema>;

export const pairRequestSchema = z
  .object({
    code: z.string().min(1).max(200).describe('The one-time code from the QR link (after #pair=).'),
    name: z.string().trim().min(1).max(64).describe('What to call this phone on the desktop, e.g. "Ana\'s phone".'),
  })
  .strict();
export type PairRequest = z.infer<typeof pairRequestSchema>;

export const pairResponseSchema = z.object({
  token: z.string().describe('Bearer token for every other /api call. Shown once; store it.'),
  deviceId: z.string(),
});
export type PairResponse = z.infer<typeof pairResponseSchema>;

/** `POST /pair/code` (desktop only, for `opendispatch pair`): a fresh pairing link and when its code expires. */
export const issuedPairingCodeSchema = z.object({
  url: z.string().describe('The link a phone opens to pair; the one-time code is in its fragment.'),
  expiresAt: z.string(),
});

export const createTaskRequestSchema = z
  .object({
    prompt: z.string().trim().min(1).max(MAX_PROMPT_CHARS).describe('What the agent should do, in your words.'),
    desktopId: z.string().regex(DESKTOP_ID_PATTERN).optional().describe('Which desktop; this one when absent.'),
    model: z
      .string()
      .regex(MODEL_ID_PATTERN, 'not a model id')
      .optional()
      .describe("Which Claude model, e.g. one GET /api/models lists; the desktop's configured model when absent."),
  })
  .strict();
export type CreateTaskRequest = z.infer<typeof createTaskRequestSchema>;

export const taskIdParamsSchema = z.object({ id: z.string().regex(TASK_ID_PATTERN, 'not a task id') });

export const taskStepSchema = z.object({
  index: z.number().int(),
  at: z.string(),
  description: z.string(),
  isError: z.boolean().optional(),
  detail: z.string().optional(),
  /** Path of a small rendering of the screenshot the agent saw, to load on demand. */
  screenshotUrl: z.string().optional(),
  /** What the agent said or thought before this step. */
  narration: z.string().optional(),
  /** The text a `type` step typed (absent when the desktop hides typing). */
  typed: z.string().optional(),
  /** Where a click or other pointer step acted, in the desktop's screen pixels. */
  point: z.object({ x: z.number(), y: z.number() }).optional(),
  /** The screen's size in the pixels of `point`; the screenshot shows the whole screen, so `point / screen` places it on any rendering of it. */
  screen: z.object({ width: z.number(), height: z.number() }).optional(),
});
export type TaskStep = z.infer<typeof taskStepSchema>;

export const taskSummarySchema = z.object({
  id: z.string(),
  prompt: z.string(),
  desktopId: z.string(),
  status: taskStatusSchema,
  createdAt: z.string(),
  /** 1-based place in the desktop's line while queued. */
  queuePosition: z.number().int().optional(),
  currentStep: z.string().optional(),
});
export type TaskSummary = z.infer<typeof taskSummarySchema>;

export const taskDetailSchema = taskSummarySchema.extend({
  steps: z.array(taskStepSchema),
  result: z.string().optional(),
  error: z.string().optional(),
  retryOf: z.string().optional(),
  /** The model the task runs with; absent for tasks started before it was recorded. */
  model: z.string().optional(),
  /**
   * Model decisions so far, the count the CLI reports as steps: one decision may run several
   * actions (`steps` records share its `index`) or none (the final answer).
   */
  stepsTaken: z.number().int().optional(),
  /** When the task's latest run ended; absent while it runs. */
  finishedAt: z.string().optional(),
  /** While status is `needs_input`: what the agent asked, and the choices it offered if any. */
  question: z.object({ id: z.string(), text: z.string(), options: z.array(z.string()).optional() }).optional(),
  /** While status is `needs_approval`: the action waiting, with its whole input. */
  approval: z.object({ id: z.string(), tool: z.string(), summary: z.string(), input: z.unknown() }).optional(),
});
export type TaskDetail = z.infer<typeof taskDetailSchema>;

/** The person's words to the agent: an answer or a follow-up, as long as a prompt may be. */
const personText = z.string().trim().min(1).max(20_000);

/** `POST /api/tasks/:id/answer`: the answer to the question the task is waiting on. */
export const answerRequestSchema = z.object({ text: personText.describe('The answer, in your words or one of the options.') }).strict();
/** `POST /api/tasks/:id/approval`: approve or decline the action the task is waiting on. */
export const approvalRequestSchema = z
  .object({
    approve: z.boolean(),
    always: z.boolean().optional().describe('Approve this tool for the rest of this task.'),
  })
  .strict();
/** `POST /api/tasks/:id/messages`: a follow-up; a running task reads it at its next decision, a finished one continues. */
export const messageRequestSchema = z.object({ text: personText.describe('What to do next, or what to take into account.') }).strict();

export const createdTaskSchema = z.object({ id: z.string(), status: taskStatusSchema });
export type CreatedTask = z.infer<typeof createdTaskSchema>;

/** `GET /api/tasks?limit=&cursor=`: one page of the task list. */
export const taskListQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(50).describe('Tasks on this page, 1 to 100.'),
    cursor: z
      .string()
      .min(1)
      .max(4096)
      .regex(/^[A-Za-z0-9_-]+$/, 'not a cursor from this list')
      .optional()
      .describe('The nextCursor of the previous page; absent for the first.'),
  })
  .strict();
export type TaskListQuery = z.infer<typeof taskListQuerySchema>;

/**
 * A page of tasks: running ones first, then finished ones, most recently finished first (the order
 * Temporal's visibility store keeps). Built from visibility and memos alone, so a finished task
 * shows its status and last step here and its result or error in its detail.
 */
export const taskListSchema = z.object({
  tasks: z.array(taskSummarySchema),
  nextCursor: z.string().optional().describe('Pass as cursor for the next, older page; absent on the last page.'),
});
export type TaskList = z.infer<typeof taskListSchema>;

/** `POST /api/tasks/:id/cancel`: the task as it is now, and a note when the cancel has yet to reach it. */
export const cancelledTaskSchema = taskDetailSchema.extend({
  note: z.string().optional().describe('Set when the desktop is away: the cancel is recorded and takes effect when it is back.'),
});
export type CancelledTask = z.infer<typeof cancelledTaskSchema>;

/** `GET /api/models`: the models a task can pick, newest first, with the desktop's default marked. */
export const modelListSchema = z.object({
  models: z.array(z.object({ id: z.string(), label: z.string(), default: z.boolean() })),
  default: z.string().describe('The model a task runs with when it names none (DISPATCH_MODEL).'),
});
export type ModelList = z.infer<typeof modelListSchema>;

/** Whether a desktop's worker is alive, as Temporal sees it. */
export const desktopPresenceSchema = z.object({
  id: z.string(),
  online: z.boolean(),
  /** When its worker was last heard from, if known. */
  lastSeen: z.string().optional(),
});
export type DesktopPresenceReading = z.infer<typeof desktopPresenceSchema>;

/** A desktop on the same Temporal namespace, as phones list them (`GET /api/desktops`). */
export const desktopSchema = desktopPresenceSchema.extend({
  /** What phones call it: DISPATCH_DESKTOP_NAME on that desktop, else its host name (its id until it has started once). */
  name: z.string(),
  /** Tasks working on it now (including those waiting for the person). */
  running: z.number().int().nonnegative(),
  /** Tasks given to it that have not started working yet (in line, or waiting for it to come back). */
  queued: z.number().int().nonnegative(),
  /** The desktop whose gateway answered: where tasks go when a request names none. */
  current: z.boolean().optional(),
});
export type Desktop = z.infer<typeof desktopSchema>;
export const desktopListSchema = z.object({ desktops: z.array(desktopSchema) });

export const apiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    /** The request field at fault, for validation errors. */
    field: z.string().optional(),
  }),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

/** Phone → gateway over /api/events. The first message must be `auth`; nothing is sent before it. */
export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auth'), token: z.string().min(1).max(200) }).strict(),
  z.object({ type: z.literal('ping') }).strict(),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

/** Gateway → phone over /api/events. */
export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('task'), task: taskDetailSchema }),
  z.object({ type: z.literal('desktop'), desktop: desktopSchema }),
  z.object({ type: z.literal('pong') }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/** `POST /api/schedules`: once `at` an instant, or on a `cron` in a `timezone` (the desktop's when absent). */
export const createScheduleRequestSchema = z
  .object({
    prompt: z.string().trim().min(1).max(20_000).describe('What the agent should do each time.'),
    at: z.iso.datetime({ offset: true }).optional().describe('Run once at this instant, e.g. 2026-12-01T15:00:00+01:00.'),
    cron: z.string().trim().max(200).optional().describe('Run on this 5-field cron, e.g. "0 9 * * 1-5" for weekdays at 9.'),
    timezone: z.string().trim().max(64).optional().describe('IANA time zone for cron, e.g. Europe/Madrid.'),
    model: z.string().regex(MODEL_ID_PATTERN, 'not a model id').optional(),
    desktopId: z.string().regex(DESKTOP_ID_PATTERN).optional(),
  })
  .strict()
  .superRefine((request, context) => {
    const problem = (path: string, message: string) => context.addIssue({ code: 'custom', path: [path], message });
    if (request.at !== undefined && request.cron !== undefined) problem('cron', 'give either at (once) or cron (recurring), not both');
    else if (request.at === undefined && request.cron === undefined) problem('at', 'give at (once) or cron (recurring)');
    if (request.at !== undefined && Date.parse(request.at) <= Date.now()) problem('at', 'that time has passed');
    if (request.cron !== undefined) {
      const cronIssue = cronProblem(request.cron);
      if (cronIssue) problem('cron', cronIssue);
    }
    if (request.timezone !== undefined && !isTimeZone(request.timezone)) problem('timezone', `unknown time zone "${request.timezone}"`);
    if (request.timezone !== undefined && request.cron === undefined) problem('timezone', 'a time zone goes with cron; give at with an offset instead');
  });
export type CreateScheduleRequest = z.infer<typeof createScheduleRequestSchema>;

export const scheduleIdParamsSchema = z.object({ id: z.string().regex(/^schedule-[0-9a-f]{8}$/, 'not a schedule id') });

export const scheduleSchema = z.object({
  id: z.string(),
  prompt: z.string(),
  desktopId: z.string(),
  model: z.string().optional(),
  at: z.string().optional(),
  cron: z.string().optional(),
  timezone: z.string().optional(),
  paused: z.boolean(),
  nextRunAt: z.string().optional(),
  recentRuns: z.array(z.object({ taskId: z.string(), scheduledAt: z.string(), status: taskStatusSchema.optional() })),
});
export type Schedule = z.infer<typeof scheduleSchema>;
export const scheduleListSchema = z.object({ schedules: z.array(scheduleSchema) });
export type ScheduleList = z.infer<typeof scheduleListSchema>;
export const createdScheduleSchema = z.object({ id: z.string(), nextRunAt: z.string().optional() });
export type CreatedSchedule = z.infer<typeof createdScheduleSchema>;
