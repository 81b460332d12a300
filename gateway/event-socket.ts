import type { RawData, WebSocket } from 'ws';
import { clientMessageSchema, type ClientMessage, type ServerMessage } from '../common/api-schemas.js';
import type { Logger } from '../common/logger.js';
import { isWellFormedToken } from './auth.js';

/** The phone stops for good on this code: its token is bad or revoked, or it never sent one. */
export const CLOSE_UNAUTHORIZED = 4401;
/** A client broke the message rules (binary frames, floods); the phone just reconnects. */
export const CLOSE_POLICY = 1008;
/** The gateway could not serve the socket right now; the phone just reconnects. */
export const CLOSE_TRY_AGAIN = 1011;

const DEFAULT_AUTH_TIMEOUT_MS = 5_000;
/** A phone pings about once every half minute; this many in one second is a client gone wrong. */
const DEFAULT_MAX_MESSAGES_PER_SECOND = 20;

export interface EventSocketOptions {
  socket: WebSocket;
  /** The device an `Authorization` header on the upgrade already proved, if any. */
  preauthorized?: { id: string };
  authenticate: (token: string) => { id: string } | undefined | Promise<{ id: string } | undefined>;
  /** Called once, when the socket is known to belong to a paired device and is still open. */
  onAuthenticated: (deviceId: string) => void;
  logger: Logger;
  authTimeoutMs?: number;
  maxMessagesPerSecond?: number;
}

function parse(data: RawData): ClientMessage | undefined {
  try {
    const parsed = clientMessageSchema.safeParse(JSON.parse(String(data)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serves the client side of one `/api/events` socket: authentication (or the 5 s deadline for
 * it), then pings. Anything a client sends ends at most its own socket, with a close code that
 * says why, and never throws: ws itself closes frames over the size limit with 1009 and invalid
 * UTF-8 with 1007 and then emits `'error'`, which without a listener would stop the gateway;
 * binary frames and floods close with 1008; a first message that is not `auth` closes with 4401.
 * After authentication a message that is not valid JSON of a known type gets an `error` reply,
 * so a newer phone talking to an older gateway keeps its pushes.
 */
export function serveEventSocket(options: EventSocketOptions): void {
  const { socket, logger } = options;
  const maxPerSecond = options.maxMessagesPerSecond ?? DEFAULT_MAX_MESSAGES_PER_SECOND;
  let deviceId = options.preauthorized?.id;
  let authenticating = false;
  let windowStart = 0;
  let inWindow = 0;

  socket.on('error', (error: Error & { code?: string }) => {
    logger.warn('closed an event socket that broke the protocol', { reason: error.code ?? error.message });
  });
  const deadline = deviceId
    ? undefined
    : setTimeout(() => socket.close(CLOSE_UNAUTHORIZED, 'authenticate first'), options.authTimeoutMs ?? DEFAULT_AUTH_TIMEOUT_MS);
  socket.on('close', () => clearTimeout(deadline));

  const isOpen = (): boolean => socket.readyState === socket.OPEN;
  const reply = (message: ServerMessage): void => {
    if (isOpen()) socket.send(JSON.stringify(message));
  };
  const admit = (id: string): void => {
    deviceId = id;
    clearTimeout(deadline);
    if (isOpen()) options.onAuthenticated(id);
  };
  const overLimit = (): boolean => {
    const now = Date.now();
    if (now - windowStart >= 1_000) {
      windowStart = now;
      inWindow = 0;
    }
    return ++inWindow > maxPerSecond;
  };

  const authenticate = (token: string): void => {
    if (!isWellFormedToken(token)) {
      socket.close(CLOSE_UNAUTHORIZED, 'unknown or revoked token');
      return;
    }
    authenticating = true;
    Promise.resolve()
      .then(() => options.authenticate(token))
      .then(
        (device) => {
          if (device) admit(device.id);
          else socket.close(CLOSE_UNAUTHORIZED, 'unknown or revoked token');
        },
        (error: unknown) => {
          logger.warn('could not check an event socket token', { error: (error as Error).message });
          socket.close(CLOSE_TRY_AGAIN, 'try again');
        },
      )
      .finally(() => (authenticating = false));
  };

  socket.on('message', (data, isBinary) => {
    if (!isOpen()) return;
    if (overLimit()) {
      socket.close(CLOSE_POLICY, 'too many messages');
      return;
    }
    if (isBinary) {
      socket.close(CLOSE_POLICY, 'messages are JSON text');
      return;
    }
    const message = parse(data);
    if (deviceId === undefined) {
      if (authenticating) return;
      if (message?.type === 'auth') authenticate(message.token);
      else socket.close(CLOSE_UNAUTHORIZED, 'the first message must be {"type":"auth","token":…}');
      return;
    }
    if (!message) {
      reply({ type: 'error', message: 'Messages are JSON: {"type":"ping"}.' });
      return;
    }
    switch (message.type) {
      case 'ping':
        reply({ type: 'pong' });
        return;
      case 'auth':
        return;
      default: {
        const unhandled: never = message;
        return unhandled;
      }
    }
  });
  if (deviceId !== undefined) admit(deviceId);
}
