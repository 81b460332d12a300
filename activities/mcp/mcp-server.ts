import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerStatus } from '../../common/mcp-status.js';
import type { McpServerSpec } from './mcp-config.js';
import { openSession, type McpSession } from './mcp-transport.js';

/** Why a call got no result from the server. */
export type McpCallFailureKind =
  /** The server was not running and did not come back in time: nothing was sent. */
  | 'unavailable'
  /** No answer in time: the server is restarted. */
  | 'timeout'
  /** The server stopped, or the connection broke, during the call: it is restarted. */
  | 'closed'
  /** The server answered with something that is not MCP: it is restarted. */
  | 'garbage'
  /** The server answered the call with a protocol error (unknown tool, bad arguments). */
  | 'refused';

/** A call that got no result; `kind` says whether it may have taken effect. */
export class McpCallError extends Error {
  constructor(
    readonly kind: McpCallFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'McpCallError';
  }
}

/** How long the desktop waits for a server, and how it backs off while one keeps failing. */
export interface McpServerTimings {
  /** Starting a server, its handshake and its tool list. Default 60 s (an `npx` server may install first). */
  connectTimeoutMs?: number;
  /** One tool call. Default 2 minutes. */
  callTimeoutMs?: number;
  /** The first restart's delay, doubled after each failure up to `maxBackoffMs`. Defaults 1 s and 5 minutes. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A session that lasted this long was healthy: the back-off starts over. Default 60 s. */
  healthyAfterMs?: number;
}

/** One configured server, kept running. */
export interface McpServer {
  readonly spec: McpServerSpec;
  /** Settles when the first attempt to start it has succeeded or failed. */
  readonly started: Promise<void>;
  /** The tools it offers (after the `"tools"` allowlist), from its newest listing; undefined until it has listed any. */
  tools(): Tool[] | undefined;
  status(): Omit<McpServerStatus, 'tools'>;
  /** Calls a tool, waiting up to `waitMs` for the server to be running. Throws {@link McpCallError}. */
  call(tool: string, args: Record<string, unknown>, options: { waitMs: number; signal?: AbortSignal }): Promise<CallToolResult>;
  close(): Promise<void>;
}

/** An error from reading the server's output, as opposed to the connection's own chatter. */
function isGarbage(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'SyntaxError' || name === 'ZodError' || name === '$ZodError';
}

/**
 * A call an HTTP server never took: the connection was refused, or the server no longer knows the
 * session (it restarted) and said so with 404, or 400 as some servers do. Sending it again over a
 * new session cannot run it twice.
 */
function neverDelivered(error: unknown): boolean {
  if (error instanceof StreamableHTTPError) return error.code === 404 || error.code === 400;
  return (error as { cause?: { code?: unknown } } | null)?.cause?.code === 'ECONNREFUSED';
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Keeps one MCP server running for the worker's lifetime: started at once, and started again
 * (a stdio server) or reconnected (an HTTP one) with a back-off whenever it dies, answers
 * garbage or stops answering. `onChange` hears every change of state or tools.
 */
export function startMcpServer(spec: McpServerSpec, onChange: () => void, timings: McpServerTimings = {}): McpServer {
  const connectTimeoutMs = timings.connectTimeoutMs ?? 60_000;
  const callTimeoutMs = timings.callTimeoutMs ?? 120_000;
  const initialBackoffMs = timings.initialBackoffMs ?? 1_000;
  const maxBackoffMs = timings.maxBackoffMs ?? 300_000;
  const healthyAfterMs = timings.healthyAfterMs ?? 60_000;
  const transport = spec.transport.kind === 'stdio' ? 'stdio' : spec.transport.kind === 'sse' ? 'sse' : 'http';

  let state: McpServerStatus['state'] = 'starting';
  let since = new Date().toISOString();
  let lastError: string | undefined;
  let nextTryAt = 0;
  let restarts = 0;
  let failures = 0;
  let tools: Tool[] | undefined;
  let session: (McpSession & { openedAt: number; garbage?: string }) | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let closed = false;
  let waiters: Array<() => void> = [];
  const pending = new Set<object>();

  const enter = (next: McpServerStatus['state'], error?: string): void => {
    state = next;
    since = new Date().toISOString();
    lastError = error ?? (next === 'running' || next === 'stopped' ? undefined : lastError);
    if (next === 'running') for (const wake of waiters.splice(0)) wake();
    onChange();
  };

  const retryLater = (why: string): void => {
    if (closed) return;
    const delay = Math.min(maxBackoffMs, initialBackoffMs * 2 ** failures++);
    nextTryAt = Date.now() + delay;
    enter('down', why);
    retryTimer = setTimeout(() => {
      restarts++;
      attempting = attempt();
    }, delay);
  };

  /** The session ended: the server exited, the connection broke, or we closed it. */
  const lost = (ended: McpSession, why: string): void => {
    if (session?.client !== ended.client) return;
    if (Date.now() - session.openedAt > healthyAfterMs) failures = 0;
    session = undefined;
    const said = ended.stderrTail().split('\n').at(-1);
    retryLater(`${why}${said ? ` (the server said: ${said.slice(0, 300)})` : ''}`);
  };

  /** Ends a session that misbehaved; `lost` then schedules the restart. */
  const abandon = (ended: McpSession, why: string): void => {
    if (session?.client === ended.client) lost(ended, why);
    void ended.client.close().catch(() => undefined);
  };

  async function attempt(): Promise<void> {
    if (closed) return;
    if (state !== 'starting') enter('starting');
    try {
      const opened = await openSession(spec.transport, connectTimeoutMs);
      if (closed) {
        await opened.client.close().catch(() => undefined);
        return;
      }
      const current = { ...opened, openedAt: Date.now() } as NonNullable<typeof session>;
      session = current;
      opened.client.onclose = () => lost(opened, 'the server stopped');
      opened.client.onerror = (error) => {
        // A line that is not JSON-RPC while calls wait: their answers may never come. Restart.
        if (isGarbage(error) && pending.size > 0 && session === current) {
          current.garbage = reason(error).slice(0, 200);
          abandon(opened, 'the server answered with something that is not MCP');
        }
      };
      const allowed = spec.tools ? new Set(spec.tools) : undefined;
      const listed = opened.tools.filter((tool) => !allowed || allowed.has(tool.name));
      if (JSON.stringify(listed) !== JSON.stringify(tools)) tools = listed;
      enter('running');
    } catch (error) {
      retryLater(`could not start: ${reason(error)}`);
    }
  }

  const running = (waitMs: number): Promise<McpSession | undefined> => {
    if (session) return Promise.resolve(session);
    if (closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        resolve(session);
      };
      const timer = setTimeout(() => {
        waiters = waiters.filter((waiter) => waiter !== wake);
        resolve(session);
      }, waitMs);
      waiters.push(wake);
    });
  };

  const started = attempt();
  let attempting = started;

  /** One call over the current session; a failure restarts the session unless the server refused the call itself. */
  const callOnce = async (tool: string, args: Record<string, unknown>, options: { waitMs: number; signal?: AbortSignal }, retried: boolean): Promise<CallToolResult> => {
    const current = (await running(options.waitMs)) as (McpSession & { garbage?: string }) | undefined;
    if (!current) throw new McpCallError('unavailable', `is not running (${lastError ?? state})`);
    const token = {};
    pending.add(token);
    try {
      return (await current.client.callTool({ name: tool, arguments: args }, undefined, { timeout: callTimeoutMs, signal: options.signal })) as CallToolResult;
    } catch (error) {
      if (options.signal?.aborted) throw error;
      if (current.garbage !== undefined) throw new McpCallError('garbage', `answered with something that is not MCP (${current.garbage})`);
      if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
        abandon(current, `it did not answer a call within ${Math.round(callTimeoutMs / 1000)} s`);
        throw new McpCallError('timeout', `did not answer within ${Math.round(callTimeoutMs / 1000)} s`);
      }
      if (error instanceof McpError && error.code !== ErrorCode.ConnectionClosed) throw new McpCallError('refused', error.message);
      if (isGarbage(error)) {
        abandon(current, 'the server answered a call with something that is not a tool result');
        throw new McpCallError('garbage', `answered with something that is not a tool result (${reason(error).slice(0, 200)})`);
      }
      abandon(current, `the connection broke: ${reason(error)}`);
      if (!retried && neverDelivered(error)) return callOnce(tool, args, options, true);
      throw new McpCallError('closed', 'stopped, or its connection broke, during the call');
    } finally {
      pending.delete(token);
    }
  };

  return {
    spec,
    started,
    tools: () => tools,
    status: () => ({
      name: spec.name,
      transport: session?.transport ?? transport,
      state,
      since,
      ...(session?.pid !== undefined ? { pid: session.pid } : {}),
      ...(lastError !== undefined ? { error: state === 'down' ? `${lastError}; next try in ${Math.max(1, Math.ceil((nextTryAt - Date.now()) / 1000))} s` : lastError } : {}),
      restarts,
    }),
    call: (tool, args, options) => callOnce(tool, args, options, false),
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      for (const wake of waiters.splice(0)) wake();
      const current = session;
      session = undefined;
      await attempting;
      await current?.client.close().catch(() => undefined);
      enter('stopped');
    },
  };
}
