import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { clientMessageSchema, type Desktop, type ServerMessage } from '../common/api-schemas.js';
import type { Logger } from '../common/logger.js';
import type { DesktopPresence } from './desktop-presence.js';
import type { TaskService } from './task-service.js';

export const EVENTS_PATH = '/api/events';
/** Close codes the phone acts on. */
export const CLOSE_UNAUTHORIZED = 4401;
const AUTH_TIMEOUT_MS = 5_000;
const MAX_MESSAGE_BYTES = 4 * 1024;

export interface EventHubDeps {
  tasks: TaskService;
  presence: DesktopPresence;
  knownDesktops: () => Promise<string[]>;
  /** The paired device a token belongs to, if any. */
  authenticate: (token: string) => { id: string } | undefined | Promise<{ id: string } | undefined>;
  /** Whether a device is still paired (a revoked phone's sockets are closed). */
  stillPaired: (deviceId: string) => boolean | Promise<boolean>;
  logger: Logger;
  /** How often running tasks are checked for changes; the push latency is about this. */
  pollMs?: number;
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
  const desktops = new Map<string, boolean>();
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

  /** Desktop online changes, and closing the sockets of phones that were revoked. */
  async function housekeeping(): Promise<void> {
    for (const id of await deps.knownDesktops()) {
      const desktop: Desktop = await deps.presence.status(id);
      if (desktops.get(id) !== desktop.online) {
        desktops.set(id, desktop.online);
        broadcast({ type: 'desktop', desktop });
      }
    }
    for (const subscriber of subscribers) {
      if (!(await deps.stillPaired(subscriber.deviceId))) subscriber.socket.close(CLOSE_UNAUTHORIZED, 'device revoked');
    }
  }

  const schedule = (): void => {
    if (timer || subscribers.size === 0) return;
    timer = setTimeout(async () => {
      timer = undefined;
      if (!sweeping) {
        sweeping = true;
        try {
          await sweep();
        } catch (error) {
          deps.logger.warn('could not check tasks for changes', { error: (error as Error).message });
        } finally {
          sweeping = false;
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
    for (const id of await deps.knownDesktops()) send(socket, { type: 'desktop', desktop: await deps.presence.status(id) });
    schedule();
  };

  wss.on('connection', (socket: WebSocket, request: IncomingMessage, preauthorized?: { id: string }) => {
    let deviceId = preauthorized?.id;
    const deadline = deviceId ? undefined : setTimeout(() => socket.close(CLOSE_UNAUTHORIZED, 'authenticate first'), AUTH_TIMEOUT_MS);
    const admitted = (id: string): void => {
      admit(socket, id).catch((error: unknown) => {
        deps.logger.warn('could not start pushing to a phone', { error: (error as Error).message });
        socket.close(1011, 'try again');
      });
    };
    if (deviceId) admitted(deviceId);
    let authenticating = false;
    socket.on('message', (data, isBinary) => {
      void (async () => {
        if (authenticating) return;
        let parsed: ReturnType<typeof clientMessageSchema.safeParse> | undefined;
        try {
          parsed = isBinary ? undefined : clientMessageSchema.safeParse(JSON.parse(data.toString()));
        } catch {
          parsed = undefined;
        }
        if (!deviceId) {
          if (!parsed?.success || parsed.data.type !== 'auth') {
            socket.close(CLOSE_UNAUTHORIZED, 'the first message must be {"type":"auth","token":…}');
            return;
          }
          authenticating = true;
          const device = await deps.authenticate(parsed.data.token);
          authenticating = false;
          if (!device) {
            socket.close(CLOSE_UNAUTHORIZED, 'unknown or revoked token');
            return;
          }
          deviceId = device.id;
          clearTimeout(deadline);
          admitted(deviceId);
          return;
        }
        if (!parsed?.success) {
          send(socket, { type: 'error', message: 'Messages are JSON: {"type":"ping"}.' });
          return;
        }
        if (parsed.data.type === 'ping') send(socket, { type: 'pong' });
      })().catch((error: unknown) => deps.logger.warn('event socket message failed', { error: (error as Error).message }));
    });
    socket.on('close', () => clearTimeout(deadline));
    void request;
  });

  return {
    attach(server) {
      server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        const url = new URL(request.url ?? '/', 'http://localhost');
        if (url.pathname !== EVENTS_PATH) {
          socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
          return;
        }
        void (async () => {
          const header = request.headers.authorization;
          let device: { id: string } | undefined;
          if (header !== undefined) {
            const match = /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(header);
            device = match ? await deps.authenticate(match[1]!) : undefined;
            if (!device) {
              socket.end('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm="opendispatch"\r\nConnection: close\r\n\r\n');
              return;
            }
          }
          wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request, device));
        })();
      });
    },
    touch(taskId) {
      if (!watched.has(taskId)) watched.set(taskId, '');
      schedule();
    },
    async close() {
      if (timer) clearTimeout(timer);
      subscribers.clear();
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
