import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { blocksOf, resultBlocksOf } from './messages-refusal.js';
import { apiError, type ScriptedReply } from './messages-replies.js';
import { checkMessagesRequest, type Refusal } from './messages-request-rules.js';

export * from './messages-replies.js';

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

/** A request the fake refused as the real API would, with what it answered; no scripted reply was used. */
export interface RefusedRequest extends RecordedRequest {
  refusal: Refusal;
}

export type Step = ScriptedReply | ((request: RecordedRequest) => ScriptedReply | Promise<ScriptedReply>);

/**
 * A loopback stand-in for Anthropic's Messages API, owned by the tests: the real SDK talks to it
 * through ANTHROPIC_BASE_URL and it plays scripted replies in order, recording every request so a
 * test can check what the model was shown. An unscripted request gets a 500 that names it.
 * A request the real API would refuse (see messages-request-rules.ts) is answered with the real
 * API's error instead, consumes no scripted reply and is recorded in `refusals`, not `requests`:
 * the fake is never more lenient than the service the product will meet.
 */
export interface FakeMessagesApi {
  baseURL: string;
  requests: RecordedRequest[];
  refusals: RefusedRequest[];
  enqueue(...steps: Step[]): void;
  /** Removes and returns the scripted replies nobody asked for. */
  drain(): Step[];
  /** Resolves when the n-th request (1-based) has arrived. */
  waitForRequest(count: number, timeoutMs?: number): Promise<RecordedRequest>;
  close(): Promise<void>;
}

/** The reply's body, with a message's `model` echoing the request's, as the real API answers. */
function withModel(body: unknown, model: unknown): unknown {
  const isMessage = typeof body === 'object' && body !== null && (body as { type?: unknown }).type === 'message';
  return isMessage && (body as { model?: unknown }).model === undefined ? { ...body, model } : body;
}

/** Starts the fake on a free loopback port; close it when the test is done. */
export async function startFakeMessagesApi(): Promise<FakeMessagesApi> {
  const queue: Step[] = [];
  const requests: RecordedRequest[] = [];
  const refusals: RefusedRequest[] = [];
  const waiters: Array<{ count: number; resolve: (request: RecordedRequest) => void }> = [];
  let answered = 0;

  const send = (res: http.ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void => {
    const requestId = `req_${++answered}`;
    const payload = typeof body === 'object' && body !== null && (body as { type?: unknown }).type === 'error' ? { ...body, request_id: requestId } : body;
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': requestId, ...headers });
    res.end(JSON.stringify(payload));
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          send(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'There was an error parsing the body of your request: not JSON' } });
          return;
        }
        const arrived = { path: req.url ?? '', receivedAt: Date.now(), headers: req.headers, body: parsed as RecordedRequest['body'] };
        const refusal = checkMessagesRequest(parsed, req.headers);
        if (refusal) {
          refusals.push({ ...arrived, refusal });
          // Visible in the test's output: a refusal is either what the test wanted or a product bug.
          console.warn(`fake Messages API refused a request: ${refusal.status} ${refusal.type}: ${refusal.message}`);
          send(res, refusal.status, { type: 'error', error: { type: refusal.type, message: refusal.message } });
          return;
        }
        const recorded: RecordedRequest = arrived;
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
        send(res, reply.status ?? 200, withModel(reply.body, recorded.body.model), reply.headers);
      })();
    });
  });
  const refusedSoFar = (): string =>
    refusals.length === 0 ? '' : `; refused ${refusals.length}, the last with ${refusals.at(-1)!.refusal.status} ${refusals.at(-1)!.refusal.message}`;

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}`,
    requests,
    refusals,
    enqueue: (...steps) => queue.push(...steps),
    drain: () => queue.splice(0, queue.length),
    waitForRequest(count, timeoutMs = 60_000) {
      if (requests.length >= count) return Promise.resolve(requests[count - 1]!);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`fake Messages API: request ${count} did not arrive in ${timeoutMs} ms (got ${requests.length})${refusedSoFar()}`)), timeoutMs);
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
    if (block.type === 'tool_result') for (const inner of resultBlocksOf(block)) visit(inner);
  };
  for (const message of request.body.messages) for (const block of blocksOf(message)) visit(block);
  return found;
}

/** The documents (PDFs) the model was shown in a request, wherever they are, with their titles. */
export function documentsIn(request: RecordedRequest): Array<{ title?: string; source: { type?: string; media_type?: string; data?: string } }> {
  const found: Array<{ title?: string; source: { type?: string; media_type?: string; data?: string } }> = [];
  const visit = (block: Record<string, unknown>): void => {
    if (block.type === 'document') found.push({ ...(typeof block.title === 'string' ? { title: block.title } : {}), source: block.source as { type?: string } });
    if (block.type === 'tool_result') for (const inner of resultBlocksOf(block)) visit(inner);
  };
  for (const message of request.body.messages) for (const block of blocksOf(message)) visit(block);
  return found;
}

/** One tool result of a request's last user turn, as a test reads it. */
export interface SentToolResult {
  tool_use_id: string;
  is_error?: boolean;
  /** The toolset the answered call belonged to, for a toolset member's result. */
  toolset_name?: string;
  /** Its text blocks, joined by newlines. */
  text: string;
  /** How many images it holds. */
  images: number;
}

/** The tool results sent in a request's last user turn. */
export function lastToolResults(request: RecordedRequest): SentToolResult[] {
  const last = request.body.messages.at(-1);
  return (last ? blocksOf(last) : [])
    .filter((block) => block.type === 'tool_result')
    .map((block) => {
      const inner = resultBlocksOf(block);
      return {
        tool_use_id: String(block.tool_use_id),
        is_error: block.is_error as boolean | undefined,
        ...(typeof block.toolset_name === 'string' ? { toolset_name: block.toolset_name } : {}),
        text: inner
          .filter((part) => part.type === 'text')
          .map((part) => String(part.text))
          .join('\n'),
        images: inner.filter((part) => part.type === 'image').length,
      };
    });
}
