import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { Desktop, ServerMessage } from '../common/api-schemas.js';
import type { Logger } from '../common/logger.js';
import { bearerToken } from './auth.js';
import { CLOSE_TRY_AGAIN, CLOSE_UNAUTHORIZED, serveEventSocket } from './event-socket.js';
import type { TaskService } from './task-service.js';

export const EVENTS_PATH = '/api/events';
/** Larger frames are closed with 1009 by ws; an `auth` message is well under 300 bytes. */
const MAX_MESSAGE_BYTES = 4 * 1024;

export interface EventHubDeps {
  tasks: TaskService;
  /** Every desktop on the namespace, with presence and task counts (gateway/desktop-directory.ts). */
  desktops: () => Promise<Desktop[]>;
  /** The paired device a token belongs to, if any. */
  authenticate: (token: string) => { id: string } | undefined | Promise<{ id: string } | undefined>;
  /** Whether a device is still paired (a revoked phone's sockets are closed). */
  stillPaired: (deviceId: string) => boolean | Promise<boolean>;
  logger: Logger;
  /** How often running tasks are checked for changes; the push latency is about this. */
  pollMs?: number;
  /** More messages than this from one socket within a second close it with 1008. */
  maxMessagesPerSecond?: number;
}

export interface EventHub {
  attach(server: Server): void;
  /** Makes the hub look at a task now (it was just created or changed through the API). */
  touch(taskId: string): void;
  close(): Promise<void>;
}

interface Subscriber {
  socket: WebSocket;
  deviceId: string;
}

/**
 * `/api/events`: pushes task and desktop changes to paired phones. A socket must authenticate
 * (an Authorization header on the upgrade, or a first `auth` message) before anything is sent to
 * it. Changes are found by watching running tasks' progress in Temporal, so tasks started from
 * the CLI or reset in the Web UI are pushed too, not only those started here.
 */
export function createEventHub(deps: EventHubDeps): EventHub {
  const pollMs = deps.pollMs ?? 100;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const subscribers = new Set<Subscriber>();
  const watched = new Map<string, string>();
  /** What each desktop looked like when phones were last told; `lastSeen` alone changing is not news. */
  const desktops = new Map<string, string>();
  const desktopNews = (desktop: Desktop): string => `${desktop.online}|${desktop.name}|${desktop.running}|${desktop.queued}`;
  let timer: NodeJS.Timeout | undefined;
  let sweeping = false;
  let lastDiscovery = 0;
  let lastHousekeeping = 0;

  const send = (socket: WebSocket, message: ServerMessage): void => {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  };
  const broadcast = (message: ServerMessage): void => {
    for (const subscriber of subscribers) send(subscriber.socket, message);
  };

  async function sweep(): Promise<void> {
    const now = Date.now();
    if (now - lastDiscovery > 2_000) {
      lastDiscovery = now;
      for (const id of await deps.tasks.runningIds()) if (!watched.has(id)) watched.set(id, '');
    }
    // Each task on its own: one that fails to read (deleted in the Web UI, say) holds up no other.
    await Promise.all(
      [...watched.entries()].map(async ([id, previous]) => {
        try {
          const fingerprint = await deps.tasks.fingerprint(id);
          if (fingerprint.value === previous) return;
          broadcast({ type: 'task', task: await deps.tasks.get(id) });
          if (fingerprint.running) watched.set(id, fingerprint.value);
          else watched.delete(id);
        } catch (error) {
          if ((error as { status?: number }).status === 404) watched.delete(id);
          else deps.logger.warn('could not read a task for its subscribers', { taskId: id, error: (error as Error).message });
        }
      }),
    );
    if (now - lastHousekeeping > 1_000) {
      lastHousekeeping = now;
      await housekeeping().catch((error: unknown) => deps.logger.warn('could not check desktops and devices', { error: (error as Error).message }));
    }
  }

  /** Desktops that came, went or took on work, and closing the sockets of phones that were revoked. */
  async function housekeeping(): Promise<void> {
    for (const desktop of await deps.desktops()) {
      const news = desktopNews(desktop);
      if (desktops.get(desktop.id) !== news) {
        desktops.set(desktop.id, news);
        broadcast({ type: 'desktop', desktop });
      }
    }
    for (const subscriber of subscribers) {
      if (!(await deps.stillPaired(subscriber.deviceId))) subscriber.socket.close(CLOSE_UNAUTHORIZED, 'device revoked');
    }
  }

  /** The sweep under way, so closing can wait for it: its Temporal calls must end before the client does. */
  let inFlight: Promise<void> | undefined;
  let closed = false;
  const schedule = (): void => {
    if (timer || closed || subscribers.size === 0) return;
    timer = setTimeout(async () => {
      timer = undefined;
      if (!sweeping) {
        sweeping = true;
        inFlight = sweep().catch((error: unknown) => deps.logger.warn('could not check tasks for changes', { error: (error as Error).message }));
        try {
          await inFlight;
        } finally {
          sweeping = false;
          inFlight = undefined;
        }
      }
      schedule();
    }, pollMs);
    timer.unref();
  };

  const admit = async (socket: WebSocket, deviceId: string): Promise<void> => {
    const subscriber = { socket, deviceId };
    subscribers.add(subscriber);
    socket.on('close', () => subscribers.delete(subscriber));
    send(socket, { type: 'ready' });
    for (const desktop of await deps.desktops()) send(socket, { type: 'desktop', desktop });
    // Running tasks as they are now: the list the phone just read may be up to a second old (see
    // task-list.ts), and a task that does not change would otherwise never be pushed to it.
    const running = await deps.tasks.runningIds();
    await Promise.all(
      running.map(async (id) => {
        if (!watched.has(id)) watched.set(id, '');
        const task = await deps.tasks.get(id).catch(() => undefined);
        if (task) send(socket, { type: 'task', task });
      }),
    );
    schedule();
  };

  wss.on('error', (error) => deps.logger.warn('event socket server error', { error: error.message }));
  wss.on('connection', (socket: WebSocket, _request: IncomingMessage, preauthorized?: { id: string }) => {
    serveEventSocket({
      socket,
      preauthorized,
      authenticate: deps.authenticate,
      logger: deps.logger,
      maxMessagesPerSecond: deps.maxMessagesPerSecond,
      onAuthenticated: (deviceId) => {
        admit(socket, deviceId).catch((error: unknown) => {
          deps.logger.warn('could not start pushing to a phone', { error: (error as Error).message });
          socket.close(CLOSE_TRY_AGAIN, 'try again');
        });
      },
    });
  });

  const upgrade = async (request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    const header = request.headers.authorization;
    let device: { id: string } | undefined;
    if (header !== undefined) {
      const token = bearerToken(header);
      device = token ? await deps.authenticate(token) : undefined;
      if (!device) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm="opendispatch"\r\nConnection: close\r\n\r\n');
        return;
      }
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request, device));
  };

  return {
    attach(server) {
      server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        // Node hands an upgrade's socket over without its own error listener; a client that
        // resets the connection before ws takes the socket would otherwise stop the gateway.
        socket.on('error', () => {});
        // Not `new URL()`: a target such as `//` makes it throw, and a throw here is uncaught.
        if ((request.url ?? '/').split('?')[0] !== EVENTS_PATH) {
          socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
          return;
        }
        upgrade(request, socket, head).catch((error: unknown) => {
          deps.logger.warn('could not open an event socket', { error: (error as Error).message });
          socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
        });
      });
    },
    touch(taskId) {
      if (!watched.has(taskId)) watched.set(taskId, '');
      schedule();
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      subscribers.clear();
      await inFlight;
      for (const socket of wss.clients) socket.close(1001, 'gateway stopping');
      // A phone that went away without a word would hold the close handshake for 30 s.
      const stragglers = setTimeout(() => {
        for (const socket of wss.clients) socket.terminate();
      }, 1_000);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      clearTimeout(stragglers);
    },
  };
}
