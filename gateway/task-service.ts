import { WorkflowFailedError, WorkflowNotFoundError, type Client, type WorkflowExecutionDescription, type WorkflowExecutionInfo } from '@temporalio/client';
import type { ApiTaskStatus, CancelledTask, CreatedTask, CreateTaskRequest, ModelList, TaskDetail, TaskList, TaskListQuery, TaskStep, TaskSummary } from '../common/api-schemas.js';
import type { DispatchConfig } from '../common/config.js';
import { taskStatusQuery, WorkflowType, type StepRecord, type TaskMemo, type TaskResult, type TaskStatus } from '../common/contract.js';
import { failureMessage } from '../common/failure-message.js';
import { startTask } from '../common/task-starter.js';
import { taskOutcome } from '../common/task-outcome.js';
import type { DesktopPresence } from './desktop-presence.js';
import { HttpError, notFound } from './http-error.js';
import type { ScreenshotSource } from './screenshot-source.js';
import { modelChoices } from './model-choices.js';
import { withAwayNote, withCancelRequest } from './task-cancel.js';
import { createTaskLister, summaryFromListing } from './task-list.js';
import { memoFrom } from './task-workflows.js';

/** What changes when a task changes: cheap to read (one describe), compared by the event hub. */
export interface TaskFingerprint {
  id: string;
  running: boolean;
  value: string;
}

/**
 * Tasks as the phone sees them, read from and written to Temporal. Every read follows the task
 * workflow's latest run, so a task reset in the Temporal Web UI shows its new outcome.
 */
export interface TaskService {
  create(request: CreateTaskRequest): Promise<CreatedTask>;
  /** A page of the task list, from Temporal's visibility store and memos alone. */
  list(query: TaskListQuery): Promise<TaskList>;
  /** Drops cached list pages: a task changed through another route (an answer, an approval), so the next list shows it. */
  forgetListedPages(): void;
  get(id: string): Promise<TaskDetail>;
  /** Asks the task to stop; `note` says so when its desktop is away and the stop waits for it. */
  cancel(id: string): Promise<CancelledTask>;
  retry(id: string): Promise<CreatedTask>;
  /** A screenshot the task's agent saw: a 480 px wide preview, or `full` at the size the agent saw it. */
  screenshot(id: string, ref: string, size?: 'preview' | 'full'): Promise<Buffer>;
  fingerprint(id: string): Promise<TaskFingerprint>;
  /** Ids of tasks whose workflows are still running. */
  runningIds(): Promise<string[]>;
  /** The models a new task may pick, with this desktop's default marked. */
  models(): ModelList;
}

export interface TaskServiceDeps {
  client: Client;
  config: Readonly<DispatchConfig>;
  /** The desktop a task goes to when the request names none. */
  defaultDesktopId: string;
  /** Screenshots, from this desktop's disk or through the desktop a task ran on. */
  screenshots: ScreenshotSource;
  presence: DesktopPresence;
  /** Called with a task id whenever this service starts or changes a task. */
  onChange?: (id: string) => void;
  /** How long list pages are served from memory (see `createTaskLister`); the defaults unless a benchmark says otherwise. */
  listCache?: { freshMs: number; staleMs: number };
}

/** What a task's summary is read from; a describe and a visibility listing both carry it. */
type TaskExecution = Pick<WorkflowExecutionInfo, 'workflowId' | 'status' | 'memo' | 'startTime' | 'closeTime'>;

/**
 * Why the task's current activity is being retried, if it is: "the model service is rate
 * limiting us; retrying (attempt 3)". Read from a describe, so a person on the phone sees a
 * stalled step's cause while Temporal retries it.
 */
function retryNote(description: TaskExecution): string | undefined {
  const pending = (description as Partial<WorkflowExecutionDescription>).raw?.pendingActivities ?? [];
  for (const activity of pending) {
    const attempt = activity.attempt ?? 1;
    const message = activity.lastFailure?.cause?.message ?? activity.lastFailure?.message;
    if (attempt > 1 && message) return `${message.replace(/;? ?retrying\..*$/s, '')} (retrying, attempt ${attempt})`;
  }
  return undefined;
}

export function createTaskService(deps: TaskServiceDeps): TaskService {
  const { client } = deps;

  async function describe(id: string): Promise<WorkflowExecutionDescription> {
    try {
      const description = await client.workflow.getHandle(id).describe();
      if (description.type !== WorkflowType.agentTask) throw notFound(`Task ${id}`);
      return description;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw notFound(`Task ${id}`);
      throw error;
    }
  }

  function toSteps(id: string, steps: StepRecord[]): TaskStep[] {
    return steps.map((step) => ({
      index: step.index,
      at: step.at,
      description: step.description,
      ...(step.isError ? { isError: true } : {}),
      ...(step.detail ? { detail: step.detail } : {}),
      ...(step.narration ? { narration: step.narration } : {}),
      ...(step.typed !== undefined ? { typed: step.typed } : {}),
      ...(step.point ? { point: step.point } : {}),
      ...(step.point && step.screen ? { screen: step.screen } : {}),
      ...(step.screenshotRef ? { screenshotUrl: `/api/tasks/${id}/screenshots/${step.screenshotRef}` } : {}),
    }));
  }

  async function liveStatus(memo: TaskMemo): Promise<{ status: ApiTaskStatus; progress?: TaskStatus }> {
    const desktop = await deps.presence.status(memo.desktopId).catch(() => undefined);
    const progress = memo.progress;
    // Waiting on the person comes first: an answer is taken (durably) even while the desktop is away.
    if (progress?.phase === 'needs_input' || progress?.phase === 'needs_approval') return { status: progress.phase, progress };
    if (desktop && !desktop.online) return { status: 'waiting', progress };
    if (!progress || progress.phase === 'queued') return { status: 'queued', progress };
    return { status: 'running', progress };
  }

  /** A task as the phone sees it, from a describe or straight from a visibility listing. */
  async function summarize(description: TaskExecution): Promise<TaskDetail> {
    const id = description.workflowId;
    const memo = memoFrom(description.memo);
    const base = {
      id,
      prompt: memo.prompt,
      desktopId: memo.desktopId,
      createdAt: description.startTime.toISOString(),
      ...(memo.retryOf ? { retryOf: memo.retryOf } : {}),
      ...(memo.model ? { model: memo.model } : {}),
      ...(memo.progress ? { stepsTaken: memo.progress.stepsTaken } : {}),
      ...(description.closeTime ? { finishedAt: description.closeTime.toISOString() } : {}),
    };
    const handle = client.workflow.getHandle(id);
    switch (description.status.name) {
      case 'RUNNING': {
        const { status, progress } = await liveStatus(memo);
        const retrying = retryNote(description);
        const step = progress?.currentStep ?? 'Waiting for the desktop';
        return {
          ...base,
          status,
          ...(status === 'queued' && progress?.queuePosition ? { queuePosition: progress.queuePosition } : {}),
          currentStep: status === 'waiting' ? 'Waiting for the desktop to come back online' : retrying ? `${step}: ${retrying}` : step,
          steps: toSteps(id, progress?.recentSteps ?? []),
          ...(status === 'needs_input' && progress?.question ? { question: progress.question } : {}),
          ...(status === 'needs_approval' && progress?.approval ? { approval: progress.approval } : {}),
        };
      }
      case 'COMPLETED': {
        const result = (await handle.result()) as TaskResult;
        const status = taskOutcome(result.reason);
        return {
          ...base,
          status,
          stepsTaken: result.steps,
          steps: toSteps(id, result.recentSteps ?? []),
          ...(status === 'succeeded' ? { result: result.text } : status === 'cancelled' ? {} : { error: result.text }),
        };
      }
      case 'FAILED': {
        const error = await handle.result().then(
          () => 'The task failed.',
          (failure: unknown) => (failure instanceof WorkflowFailedError ? failureMessage(failure.cause ?? failure) : failureMessage(failure)),
        );
        return { ...base, status: 'failed', steps: toSteps(id, memo.progress?.recentSteps ?? []), error };
      }
      case 'CANCELLED':
        return { ...base, status: 'cancelled', steps: toSteps(id, memo.progress?.recentSteps ?? []) };
      case 'TERMINATED':
        return { ...base, status: 'failed', steps: toSteps(id, memo.progress?.recentSteps ?? []), error: 'The task was stopped from the Temporal Web UI.' };
      case 'TIMED_OUT':
        return { ...base, status: 'failed', steps: toSteps(id, memo.progress?.recentSteps ?? []), error: 'The task ran out of time.' };
      default:
        return { ...base, status: 'failed', steps: [], error: `The task is ${description.status.name.toLowerCase()}.` };
    }
  }

  /** The full recent timeline from the workflow itself, when its worker answers quickly. */
  async function withFullTimeline(detail: TaskDetail): Promise<TaskDetail> {
    if (detail.status !== 'running' && detail.status !== 'queued') return detail;
    try {
      const status = await client.withDeadline(Date.now() + 500, () => client.workflow.getHandle(detail.id).query(taskStatusQuery));
      return { ...detail, stepsTaken: status.stepsTaken, steps: toSteps(detail.id, status.recentSteps) };
    } catch {
      return detail;
    }
  }

  const toSummary = ({ steps: _steps, result: _result, error: _error, retryOf: _retryOf, model: _model, question: _question, approval: _approval, stepsTaken: _stepsTaken, finishedAt: _finishedAt, ...summary }: TaskDetail): TaskSummary =>
    summary;

  async function create(request: CreateTaskRequest, retryOf?: string): Promise<CreatedTask> {
    const desktopId = request.desktopId ?? deps.defaultDesktopId;
    const id = await startTask(client, deps.config, { prompt: request.prompt, desktopId, model: request.model, retryOf });
    changed(id);
    const desktop = await deps.presence.status(desktopId).catch(() => undefined);
    return { id, status: desktop && !desktop.online ? 'waiting' : 'queued' };
  }

  const lister = createTaskLister({
    client,
    namespace: deps.config.temporal.namespace,
    summarize: (execution) => summaryFromListing(execution, async (unfinished) => toSummary(await summarize(unfinished))),
    ...deps.listCache,
  });
  const changed = (id: string): void => {
    lister.invalidate();
    deps.onChange?.(id);
  };

  async function get(id: string): Promise<TaskDetail> {
    const description = await describe(id);
    return withFullTimeline(withCancelRequest(description, await summarize(description)));
  }

  return {
    create: (request) => create(request),

    list: (query) => lister.list(query),
    forgetListedPages: () => lister.invalidate(),

    get,

    async cancel(id) {
      const description = await describe(id);
      if (description.status.name === 'RUNNING') {
        await client.workflow.getHandle(id).cancel();
        changed(id);
      }
      const after = await describe(id);
      return withAwayNote(withCancelRequest(after, await summarize(after)), deps.presence);
    },

    async retry(id) {
      const detail = await summarize(await describe(id));
      if (detail.status !== 'failed' && detail.status !== 'cancelled') {
        throw new HttpError(409, 'not_retryable', `Only a failed or cancelled task can be retried; this one is ${detail.status}.`);
      }
      return create({ prompt: detail.prompt, desktopId: detail.desktopId, model: detail.model }, id);
    },

    async screenshot(id, ref, size = 'preview') {
      const detail = await get(id);
      if (!detail.steps.some((step) => step.screenshotUrl?.endsWith(`/${ref}`))) throw notFound('That screenshot');
      return deps.screenshots.image(detail.desktopId, { ref, size });
    },

    async fingerprint(id) {
      const description = await describe(id);
      const memo = memoFrom(description.memo);
      const running = description.status.name === 'RUNNING';
      const online = running ? (await deps.presence.status(memo.desktopId).catch(() => undefined))?.online : undefined;
      return { id, running, value: `${description.runId}|${description.status.name}|${online}|${retryNote(description) ?? ''}|${JSON.stringify(memo.progress ?? null)}` };
    },

    async runningIds() {
      const ids: string[] = [];
      for await (const execution of client.workflow.list({ query: `WorkflowType = '${WorkflowType.agentTask}' AND ExecutionStatus = 'Running'` })) {
        ids.push(execution.workflowId);
      }
      return ids;
    },

    models: () => modelChoices(deps.config.model),
  };
}
