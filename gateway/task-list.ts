import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers.js';
import type { TaskList, TaskListQuery, TaskSummary } from '../common/api-schemas.js';
import { WorkflowType, type TaskEndReason, type TaskStatus } from '../common/contract.js';
import { taskOutcome, type TaskOutcome } from '../common/task-outcome.js';
import { HttpError } from './http-error.js';
import { createShortCache } from './short-cache.js';
import { memoFrom } from './task-workflows.js';

/** What a visibility listing says about one task run: enough for its row in the list. */
export type ListedExecution = Pick<WorkflowExecutionInfo, 'workflowId' | 'status' | 'memo' | 'startTime'>;

/** What `createTaskLister` reads from and how long it keeps pages. */
export interface TaskListerDeps {
  client: Client;
  namespace: string;
  /** The row for one listed run, from the listing and its memo alone (no history, no describe). */
  summarize: (execution: ListedExecution) => Promise<TaskSummary>;
  /** A page is served from memory this long after it was read (default 0.5 s)… */
  freshMs?: number;
  /** …and while a newer copy is read, until this old (default 1 s); older ones are waited for. */
  staleMs?: number;
  /** Makes and checks cursors; one with a fresh key by default. */
  cursors?: CursorCodec;
}

/** The task list, a page at a time. */
export interface TaskLister {
  /** One page, newest first; `nextCursor` reads the next, older one. */
  list(query: TaskListQuery): Promise<TaskList>;
  /** Forgets cached pages, after a change made through this gateway, so its caller sees it at once. */
  invalidate(): void;
}

/** gRPC's status code for a request the server finds malformed (here: a page token it did not issue). */
const GRPC_INVALID_ARGUMENT = 3;

/** Every task's latest run: a run that continued as new lives on in its successor. */
const LIST_QUERY = `WorkflowType = '${WorkflowType.agentTask}' AND ExecutionStatus != 'ContinuedAsNew'`;

const MAC_BYTES = 16;

/** Turns Temporal's page tokens into cursors for clients and back. */
export interface CursorCodec {
  encode(token: Uint8Array): string;
  /** The page token in a cursor this codec made; a 422 for anything else. */
  decode(cursor: string): Uint8Array;
}

/**
 * Cursors are Temporal's page token with an HMAC of it, base64url: opaque to clients, and checked
 * here, so a made-up or altered cursor is a 422 at once instead of a request Temporal's client
 * would retry for seconds. The key lives as long as the process; after a restart a client starts
 * again from the first page (the phone does on every reconnect).
 */
export function createCursorCodec(key: Uint8Array = randomBytes(32)): CursorCodec {
  const mac = (token: Uint8Array): Buffer => createHmac('sha256', key).update(token).digest().subarray(0, MAC_BYTES);
  return {
    encode: (token) => Buffer.concat([Buffer.from(token), mac(token)]).toString('base64url'),
    decode(cursor) {
      const bytes = Buffer.from(cursor, 'base64url');
      if (bytes.length <= MAC_BYTES || bytes.toString('base64url') !== cursor) throw badCursor();
      const token = bytes.subarray(0, bytes.length - MAC_BYTES);
      if (!timingSafeEqual(bytes.subarray(bytes.length - MAC_BYTES), mac(token))) throw badCursor();
      return token;
    },
  };
}

const badCursor = (): HttpError => new HttpError(422, 'invalid_request', 'cursor: not a cursor from this list; start again from the first page.', 'cursor');

/**
 * How a completed task ended, from the progress its workflow last published in its memo (the
 * workflow shows "Done" or "Ended: <reason>" as its last step), so the list needs no result.
 */
export function outcomeFromProgress(progress: Partial<TaskStatus> | undefined): TaskOutcome {
  const reason = (progress?.result as { reason?: TaskEndReason } | undefined)?.reason;
  if (reason) return taskOutcome(reason);
  const step = progress?.currentStep ?? '';
  if (step === 'Done') return 'succeeded';
  const ended = /^Ended: (.+)$/.exec(step)?.[1];
  return ended ? taskOutcome(ended.replace(/ /g, '_') as TaskEndReason) : 'failed';
}

/**
 * A task's row from its visibility record alone: a finished run's outcome and last step from its
 * memo, so no result or history is read; an unfinished one as `unfinished` makes it (from the
 * same memo and the desktop's presence, which is cached, not asked per task).
 */
export async function summaryFromListing(execution: ListedExecution, unfinished: (execution: ListedExecution) => Promise<TaskSummary>): Promise<TaskSummary> {
  const name = execution.status.name;
  if (name !== 'COMPLETED' && name !== 'FAILED') return unfinished(execution);
  const memo = memoFrom(execution.memo);
  const step = memo.progress?.currentStep;
  return {
    id: execution.workflowId,
    prompt: memo.prompt,
    desktopId: memo.desktopId,
    createdAt: execution.startTime.toISOString(),
    status: name === 'FAILED' ? 'failed' : outcomeFromProgress(memo.progress),
    ...(step ? { currentStep: step } : {}),
  };
}

/**
 * `GET /api/tasks`: pages of tasks straight from Temporal's visibility store, one
 * ListWorkflowExecutions call per page and nothing per task, with Temporal's page token (signed,
 * see `createCursorCodec`) as the cursor. Pages are cached briefly and shared (see `createShortCache`), so many phones asking at
 * once cost Temporal about two calls a second and a page is at most about a second old; changes
 * made through the gateway invalidate them, and the event socket pushes everything else as it
 * happens. Within a page each task appears once, as
 * its latest run; a task that was reset or continued after it finished may reappear on a later,
 * older page as an earlier run, which a client drops by id (the phone does).
 */
export function createTaskLister(deps: TaskListerDeps): TaskLister {
  const { client, namespace } = deps;
  const cursors = deps.cursors ?? createCursorCodec();
  const cache = createShortCache<TaskList>({ freshMs: deps.freshMs ?? 500, staleMs: deps.staleMs ?? 1_000, maxEntries: 64 });

  async function read({ limit, cursor }: TaskListQuery): Promise<TaskList> {
    const nextPageToken = cursor === undefined ? undefined : cursors.decode(cursor);
    const page = await client.workflowService.listWorkflowExecutions({ namespace, pageSize: limit, nextPageToken, query: LIST_QUERY }).catch((error: { code?: number }) => {
      throw cursor !== undefined && error.code === GRPC_INVALID_ARGUMENT ? badCursor() : error;
    });
    const executions = await Promise.all(page.executions.map((raw) => executionInfoFromRaw(raw, client.options.loadedDataConverter, raw, namespace)));
    const seen = new Set<string>();
    const latest = executions.filter((execution) => !seen.has(execution.workflowId) && seen.add(execution.workflowId));
    const tasks = await Promise.all(latest.map((execution) => deps.summarize(execution)));
    const token = page.nextPageToken;
    return token && token.length > 0 ? { tasks, nextCursor: cursors.encode(token) } : { tasks };
  }

  return {
    list: (query) => cache.get(`${query.limit}|${query.cursor ?? ''}`, () => read(query)),
    invalidate: () => cache.invalidate(),
  };
}
