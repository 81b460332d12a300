import type {
  CancelledTask,
  CreatedSchedule,
  CreatedTask,
  CreateScheduleRequest,
  CreateTaskRequest,
  Desktop,
  ModelList,
  PairRequest,
  PairResponse,
  Schedule,
  ScheduleList,
  TaskDetail,
  TaskList,
} from '../../common/api-schemas.js';
import type { MessageAccepted } from '../../common/conversation-schemas.js';
import type { PushSubscriptionJson } from '../../common/push-schemas.js';

/** Why a gateway call did not return what was asked for, in words a person can be shown. */
export class ApiFailure extends Error {
  override readonly name = 'ApiFailure';
  constructor(
    /** HTTP status; 0 when the gateway could not be reached at all. */
    readonly status: number,
    /** The gateway's stable error code, or `network` / `timeout` / `http_<status>` when it sent none. */
    readonly code: string,
    message: string,
    /** The request field at fault, for validation errors. */
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface ApiClient {
  pair(request: PairRequest): Promise<PairResponse>;
  /** A page of tasks, newest first: the first without a cursor, older ones with the previous page's `nextCursor`. */
  listTasks(cursor?: string): Promise<TaskList>;
  getTask(id: string): Promise<TaskDetail>;
  createTask(request: CreateTaskRequest): Promise<CreatedTask>;
  /** The task after the cancel request; `note` says when it waits for the desktop to come back. */
  cancelTask(id: string): Promise<CancelledTask>;
  retryTask(id: string): Promise<CreatedTask>;
  listDesktops(): Promise<Desktop[]>;
  /** The models a task can pick, newest first, with the desktop's default marked. */
  listModels(): Promise<ModelList>;
  /**
   * Loads a step's screenshot (a gateway path from `TaskStep.screenshotUrl`) as an image blob: the
   * 480 px preview, or with `full` the image at the size the agent saw it, to zoom into.
   */
  screenshot(path: string, size?: 'full'): Promise<Blob>;
  /** Answers the question the task is waiting on. */
  answerTask(id: string, text: string): Promise<void>;
  /** Approves or declines the action the task is waiting on; `always` approves that tool for the rest of the task. */
  decideApproval(id: string, approve: boolean, always?: boolean): Promise<void>;
  /** A follow-up: a running task reads it next; a finished one continues with it. */
  sendMessage(id: string, text: string): Promise<MessageAccepted>;
  /** The desktop's VAPID public key, for `pushManager.subscribe`. */
  pushPublicKey(): Promise<string>;
  subscribePush(subscription: PushSubscriptionJson): Promise<void>;
  unsubscribePush(endpoint: string): Promise<void>;
  /** Every schedule, soonest next run first, each with its last runs and their status. */
  listSchedules(): Promise<Schedule[]>;
  /** Once (`at`) or on a cron in a time zone; the gateway refuses a bad one naming the field. */
  createSchedule(request: CreateScheduleRequest): Promise<CreatedSchedule>;
  /** Pauses, unpauses, runs now (`trigger`) or deletes a schedule. */
  changeSchedule(id: string, change: ScheduleChange): Promise<void>;
}

/** What the phone can do to a schedule. */
export type ScheduleChange = 'pause' | 'unpause' | 'trigger' | 'delete';

export interface ApiOptions {
  getToken: () => string | null;
  /** Called when the gateway no longer accepts this phone's token (revoked, or never valid). */
  onUnauthorized: () => void;
  fetch?: typeof fetch;
  /** Gives up on a request after this long; phones on bad networks otherwise hang for minutes. */
  timeoutMs?: number;
}

const UNREACHABLE = "Can't reach your desktop right now. Check your connection and try again.";

/**
 * The one place the phone talks HTTP to the gateway: adds the Bearer token, turns every failure
 * (network, timeout, `{error:{code,message}}` bodies) into an {@link ApiFailure}, and reports a
 * rejected token once through `onUnauthorized` so the app can return to the unpaired screen.
 */
export function createApi(options: ApiOptions): ApiClient {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const timeoutMs = options.timeoutMs ?? 15_000;

  async function send(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, authenticated = true): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (authenticated) {
      const token = options.getToken();
      if (!token) {
        options.onUnauthorized();
        throw new ApiFailure(401, 'unpaired', 'This phone is not paired with a desktop.');
      }
      headers.authorization = `Bearer ${token}`;
    }
    let response: Response;
    try {
      response = await doFetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
        credentials: 'omit',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      throw new ApiFailure(0, timedOut ? 'timeout' : 'network', UNREACHABLE);
    }
    if (response.ok) return response;
    const failure = await failureFrom(response);
    if (authenticated && response.status === 401) options.onUnauthorized();
    throw failure;
  }

  async function json<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, authenticated = true): Promise<T> {
    const response = await send(method, path, body, authenticated);
    try {
      return (await response.json()) as T;
    } catch {
      throw new ApiFailure(response.status, 'bad_response', 'The desktop sent an answer this app does not understand.');
    }
  }

  const taskPath = (id: string) => `/api/tasks/${encodeURIComponent(id)}`;
  const schedulePath = (id: string) => `/api/schedules/${encodeURIComponent(id)}`;

  return {
    pair: (request) => json<PairResponse>('POST', '/api/pair', request, false),
    listTasks: (cursor) => json<TaskList>('GET', cursor === undefined ? '/api/tasks' : `/api/tasks?cursor=${encodeURIComponent(cursor)}`),
    getTask: (id) => json<TaskDetail>('GET', taskPath(id)),
    createTask: (request) => json<CreatedTask>('POST', '/api/tasks', request),
    cancelTask: (id) => json<CancelledTask>('POST', `${taskPath(id)}/cancel`),
    retryTask: (id) => json<CreatedTask>('POST', `${taskPath(id)}/retry`),
    listDesktops: async () => (await json<{ desktops: Desktop[] }>('GET', '/api/desktops')).desktops,
    listModels: () => json<ModelList>('GET', '/api/models'),
    async screenshot(path, size) {
      if (!isGatewayPath(path)) throw new ApiFailure(0, 'bad_url', 'This screenshot link does not point at your desktop.');
      return (await send('GET', size === 'full' ? `${path}${path.includes('?') ? '&' : '?'}size=full` : path)).blob();
    },
    answerTask: async (id, text) => void (await send('POST', `${taskPath(id)}/answer`, { text })),
    decideApproval: async (id, approve, always) => void (await send('POST', `${taskPath(id)}/approval`, always ? { approve, always } : { approve })),
    sendMessage: (id, text) => json<MessageAccepted>('POST', `${taskPath(id)}/messages`, { text }),
    pushPublicKey: async () => (await json<{ publicKey: string }>('GET', '/api/push/vapid-public-key')).publicKey,
    subscribePush: async (subscription) => void (await send('POST', '/api/push/subscriptions', subscription)),
    unsubscribePush: async (endpoint) => void (await send('DELETE', '/api/push/subscriptions', { endpoint })),
    listSchedules: async () => (await json<ScheduleList>('GET', '/api/schedules')).schedules,
    createSchedule: (request) => json<CreatedSchedule>('POST', '/api/schedules', request),
    changeSchedule: async (id, change) => void (await send(change === 'delete' ? 'DELETE' : 'POST', change === 'delete' ? schedulePath(id) : `${schedulePath(id)}/${change}`)),
  };
}

/** Only same-origin /api/ paths get the token; a screenshot URL must never carry it elsewhere. */
export function isGatewayPath(path: string): boolean {
  return path.startsWith('/api/') && !path.startsWith('//') && !path.includes('\\');
}

async function failureFrom(response: Response): Promise<ApiFailure> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; field?: unknown } } | undefined)?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    return new ApiFailure(response.status, error.code, error.message, typeof error.field === 'string' ? error.field : undefined);
  }
  const message =
    response.status === 429
      ? 'Too many attempts. Wait a minute and try again.'
      : response.status >= 500
        ? 'Your desktop had a problem answering. Try again in a moment.'
        : `The desktop refused the request (HTTP ${response.status}).`;
  return new ApiFailure(response.status, `http_${response.status}`, message);
}
