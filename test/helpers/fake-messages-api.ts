import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the agent sent, as the fake received it. */
export interface RecordedRequest {
  path: string;
  /** When it arrived, in ms of the test process's clock. */
  receivedAt: number;
  headers: http.IncomingHttpHeaders;
  body: {
    model: string;
    tools: Array<Record<string, unknown>>;
    messages: Array<{ role: string; content: Array<Record<string, unknown>> }>;
    system?: unknown;
  };
}

export interface ScriptedReply {
  status?: number;
  headers?: Record<string, string>;
  body: unknown;
  /** Answer only once this resolves: "the model is thinking". */
  after?: Promise<void>;
}

export type Step = ScriptedReply | ((request: RecordedRequest) => ScriptedReply | Promise<ScriptedReply>);

/**
 * A loopback stand-in for Anthropic's Messages API, owned by the tests: the real SDK talks to it
 * through ANTHROPIC_BASE_URL and it plays scripted replies in order, recording every request so a
 * test can check what the model was shown. An unscripted request gets a 500 that names it.
 */
export interface FakeMessagesApi {
  baseURL: string;
  requests: RecordedRequest[];
  enqueue(...steps: Step[]): void;
  /** Removes and returns the scripted replies nobody asked for. */
  drain(): Step[];
  /** Resolves when the n-th request (1-based) has arrived. */
  waitForRequest(count: number, timeoutMs?: number): Promise<RecordedRequest>;
  close(): Promise<void>;
}

let nextId = 0;

/** A Messages API message with the given content. */
function message(content: Array<Record<string, unknown>>, stopReason: 'tool_use' | 'end_turn'): ScriptedReply {
  return {
    body: {
      id: `msg_${++nextId}`,
      type: 'message',
      role: 'assistant',
      model: 'fake',
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 10 },
    },
  };
}

/** A model turn that calls tools. */
export function toolUseReply(...calls: Array<{ name: string; input: unknown; id?: string }>): ScriptedReply {
  return message(
    calls.map((call) => ({ type: 'tool_use', id: call.id ?? `toolu_${++nextId}`, name: call.name, input: call.input })),
    'tool_use',
  );
}

/** A computer-tool call. */
export function computer(input: Record<string, unknown>): ScriptedReply {
  return toolUseReply({ name: 'computer', input });
}

/** The model's final turn. */
export function endTurn(text: string): ScriptedReply {
  return message([{ type: 'text', text }], 'end_turn');
}

/** An API error in Anthropic's error shape. */
export function apiError(status: number, type: string, message: string, headers?: Record<string, string>): ScriptedReply {
  return { status, headers, body: { type: 'error', error: { type, message } } };
}

export async function startFakeMessagesApi(): Promise<FakeMessagesApi> {
  const queue: Step[] = [];
  const requests: RecordedRequest[] = [];
  const waiters: Array<{ count: number; resolve: (request: RecordedRequest) => void }> = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        let body: RecordedRequest['body'];
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RecordedRequest['body'];
        } catch {
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'not JSON' } }));
          return;
        }
        const recorded: RecordedRequest = { path: req.url ?? '', receivedAt: Date.now(), headers: req.headers, body };
        requests.push(recorded);
        for (const waiter of waiters.filter((entry) => entry.count <= requests.length)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(recorded);
        }
        const step = queue.shift();
        const reply: ScriptedReply = step
          ? typeof step === 'function'
            ? await step(recorded)
            : step
          : apiError(500, 'api_error', `fake Messages API: no scripted reply for request ${requests.length}`);
        if (reply.after) await reply.after;
        if (res.destroyed) return;
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', 'request-id': `req_${requests.length}`, ...reply.headers });
        res.end(JSON.stringify(reply.body));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...steps) => queue.push(...steps),
    drain: () => queue.splice(0, queue.length),
    waitForRequest(count, timeoutMs = 60_000) {
      if (requests.length >= count) return Promise.resolve(requests[count - 1]!);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`fake Messages API: request ${count} did not arrive in ${timeoutMs} ms (got ${requests.length})`)), timeoutMs);
        waiters.push({
          count,
          resolve: (request) => {
            clearTimeout(timer);
            resolve(request);
          },
        });
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The images the model was shown in a request, as base64 data with their media types. */
export function imagesIn(request: RecordedRequest): Array<{ media_type: string; data: string }> {
  const found: Array<{ media_type: string; data: string }> = [];
  const visit = (block: Record<string, unknown>): void => {
    const source = block.source as { type?: string; media_type?: string; data?: string } | undefined;
    if (block.type === 'image' && source?.type === 'base64') found.push({ media_type: source.media_type!, data: source.data! });
    if (Array.isArray(block.content)) for (const inner of block.content as Array<Record<string, unknown>>) visit(inner);
  };
  for (const message of request.body.messages) for (const block of message.content) visit(block);
  return found;
}

/** The tool results sent in a request's last user turn. */
export function lastToolResults(request: RecordedRequest): Array<{ tool_use_id: string; is_error?: boolean; text: string }> {
  const last = request.body.messages.at(-1);
  return (last?.content ?? [])
    .filter((block) => block.type === 'tool_result')
    .map((block) => ({
      tool_use_id: String(block.tool_use_id),
      is_error: block.is_error as boolean | undefined,
      text: ((block.content as Array<Record<string, unknown>>) ?? [])
        .filter((inner) => inner.type === 'text')
        .map((inner) => String(inner.text))
        .join('\n'),
    }));
}
