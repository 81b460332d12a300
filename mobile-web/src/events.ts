import type { ClientMessage, ServerMessage } from '../../common/api-schemas.js';

/** How the live connection is doing, for the small indicator in the header. */
export type ConnectionState = 'connecting' | 'live' | 'offline';

export interface EventStreamOptions {
  token: string;
  /** Every message after `ready`; also `ready` itself, which means "catch up now". */
  onMessage: (message: ServerMessage) => void;
  onState: (state: ConnectionState) => void;
  /** The gateway closed with 4401: the token is bad or revoked. The stream stops for good. */
  onUnauthorized: () => void;
  url?: string;
  WebSocket?: typeof WebSocket;
  random?: () => number;
}

/** After this long without any message from the gateway, the socket is presumed dead. */
const HEARTBEAT_MS = 25_000;
/** How long a woken phone waits for an answer to its probe before reconnecting. */
const PROBE_MS = 5_000;
export const CLOSE_UNAUTHORIZED = 4401;
const CONNECTING = 0;
const OPEN = 1;

/**
 * Delay before reconnect attempt `attempt` (0-based): exponential from 1 s to 30 s, with jitter
 * so a gateway restart is not met by every phone at the same instant.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(30_000, 1_000 * 2 ** Math.min(attempt, 5));
  return Math.round(ceiling * (0.5 + random() / 2));
}

/** The events endpoint on this page's own host, over wss: when the page came over https:. */
export function eventsUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/events`;
}

/**
 * Reads a gateway message, or returns null for anything malformed or unknown. The shared zod
 * schema would do this too, but bundling zod would multiply the app's size; the gateway already
 * validates what it sends, so this checks only what the app relies on.
 */
export function parseServerMessage(data: unknown): ServerMessage | null {
  if (typeof data !== 'string') return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isRecord(value)) return null;
  switch (value.type) {
    case 'ready':
    case 'pong':
      return { type: value.type };
    case 'error':
      return typeof value.message === 'string' ? { type: 'error', message: value.message } : null;
    case 'task': {
      const task = value.task;
      const valid =
        isRecord(task) && typeof task.id === 'string' && typeof task.status === 'string' && typeof task.prompt === 'string' && Array.isArray(task.steps);
      return valid ? (value as ServerMessage) : null;
    }
    case 'desktop':
      return isDesktop(value.desktop) ? (value as ServerMessage) : null;
    default:
      return null;
  }
}

/** A desktop the picker and the banner can show: a malformed one is dropped rather than merged into the list. */
function isDesktop(desktop: unknown): boolean {
  return (
    isRecord(desktop) &&
    typeof desktop.id === 'string' &&
    typeof desktop.name === 'string' &&
    typeof desktop.online === 'boolean' &&
    isCount(desktop.running) &&
    isCount(desktop.queued) &&
    (desktop.lastSeen === undefined || typeof desktop.lastSeen === 'string') &&
    (desktop.current === undefined || typeof desktop.current === 'boolean')
  );
}

const isCount = (value: unknown): boolean => typeof value === 'number' && Number.isInteger(value) && value >= 0;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The phone's live link to `/api/events`. Authenticates with the first message, reconnects with
 * back-off after any drop, and reconnects at once when the phone wakes up or comes back online
 * (a sleeping phone's socket often dies without a close event, so waking sends a ping and
 * reconnects if nothing answers). Call `stop()` when the app unpairs.
 */
export class EventStream {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private stopped = true;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private deadTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private lastHeard = 0;

  constructor(private readonly options: EventStreamOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    document.addEventListener('visibilitychange', this.onWake);
    window.addEventListener('online', this.onWake);
    window.addEventListener('pageshow', this.onWake);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    document.removeEventListener('visibilitychange', this.onWake);
    window.removeEventListener('online', this.onWake);
    window.removeEventListener('pageshow', this.onWake);
    this.teardown();
  }

  private readonly onWake = (): void => {
    if (this.stopped || document.visibilityState === 'hidden') return;
    const socket = this.socket;
    if (socket && socket.readyState === OPEN) {
      this.send({ type: 'ping' });
      this.expectAnswerWithin(PROBE_MS);
    } else if (!socket || socket.readyState !== CONNECTING) {
      this.attempt = 0;
      this.connect();
    }
  };

  private connect(): void {
    this.teardown();
    this.options.onState('connecting');
    const Socket = this.options.WebSocket ?? WebSocket;
    const socket = new Socket(this.options.url ?? eventsUrl(location));
    this.socket = socket;
    socket.onopen = () => {
      this.send({ type: 'auth', token: this.options.token });
      this.expectAnswerWithin(PROBE_MS * 2);
    };
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (event.code === CLOSE_UNAUTHORIZED) {
        this.stop();
        this.options.onUnauthorized();
        return;
      }
      this.scheduleReconnect();
    };
    // An error is always followed by close, which does the work.
    socket.onerror = () => undefined;
  }

  private receive(data: unknown): void {
    this.lastHeard = Date.now();
    clearTimeout(this.deadTimer);
    const message = parseServerMessage(data);
    if (!message) return;
    if (message.type === 'ready') {
      this.attempt = 0;
      this.options.onState('live');
      this.startHeartbeat();
    }
    this.options.onMessage(message);
  }

  private startHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      if (Date.now() - this.lastHeard < HEARTBEAT_MS) return;
      this.send({ type: 'ping' });
      this.expectAnswerWithin(PROBE_MS);
    }, HEARTBEAT_MS);
  }

  private expectAnswerWithin(ms: number): void {
    clearTimeout(this.deadTimer);
    this.deadTimer = setTimeout(() => {
      this.teardown();
      this.scheduleReconnect();
    }, ms);
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.options.onState('offline');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), backoffDelay(this.attempt++, this.options.random));
  }

  private send(message: ClientMessage): void {
    if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify(message));
  }

  private teardown(): void {
    clearTimeout(this.retryTimer);
    clearTimeout(this.deadTimer);
    clearInterval(this.heartbeat);
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      if (socket.readyState === OPEN || socket.readyState === CONNECTING) socket.close(1000);
    }
  }
}
