/// <reference lib="webworker" />
/**
 * Offline start for the phone client: the app shell (this build's HTML, JS, CSS, icons) is
 * cached at install and served cache-first, so the app opens with no network and then talks to
 * the gateway as usual. Nothing under /api/ is ever cached or even intercepted: task data and
 * screenshots are private and must be fresh.
 *
 * Notifications: a Web Push from the desktop (end-to-end encrypted; its body is the JSON the
 * gateway's notification-text.ts makes) is shown at once, one per task (its tag), and a tap on it
 * opens that task: in the app's window if one is open, else in a new one.
 */
/** Replaced at build time by build/service-worker.ts. */
declare const SHELL_FILES: string[];
declare const SHELL_VERSION: string;

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `opendispatch-shell-${SHELL_VERSION}`;
/** On a network that neither works nor fails ("lie-fi"), start from the cache after this long. */
const NAVIGATION_TIMEOUT_MS = 4_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

sw.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL_FILES.map((url) => new Request(url, { cache: 'reload' }))))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith('opendispatch-shell-') && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => sw.clients.claim()),
  );
});

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== sw.location.origin || url.pathname.startsWith('/api/')) return;

  if (request.mode === 'navigate') {
    // Any page of the app (/, /?task=…) is the same index.html; try the network first so a new
    // deploy shows up at once, and fall back to the cached shell when offline.
    event.respondWith(withTimeout(fetch(request), NAVIGATION_TIMEOUT_MS).catch(() => caches.match('/', { cacheName: CACHE }).then((hit) => hit ?? Response.error())));
    return;
  }
  if (SHELL_FILES.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname, { cacheName: CACHE }).then((hit) => hit ?? fetch(request)));
  }
});

/** The push body the gateway sends; anything else is shown as a plain "open the app" notification. */
interface TaskPush {
  taskId: string;
  status: string;
  title: string;
  body: string;
  url: string;
}

function readPush(event: PushEvent): TaskPush | undefined {
  try {
    const data = event.data?.json() as Partial<Record<keyof TaskPush, unknown>> | undefined;
    if (!data) return undefined;
    const { taskId, status, title, body, url } = data;
    const strings = [taskId, status, title, body, url].every((value) => typeof value === 'string');
    // Only a same-origin path is opened: a push names a page of this app, never another site.
    if (!strings || !(url as string).startsWith('/') || (url as string).startsWith('//')) return undefined;
    return data as TaskPush;
  } catch {
    return undefined;
  }
}

sw.addEventListener('push', (event) => {
  const push = readPush(event);
  const needsYou = push?.status === 'needs_input' || push?.status === 'needs_approval';
  const options: NotificationOptions & { renotify?: boolean } = {
    body: push?.body ?? 'Open OpenDispatch to see what changed.',
    tag: push ? `task-${push.taskId}` : 'opendispatch',
    renotify: true,
    requireInteraction: needsYou,
    icon: '/icons/icon-192.png',
    badge: '/icons/icon-192.png',
    data: { url: push?.url ?? '/', taskId: push?.taskId },
  };
  event.waitUntil(sw.registration.showNotification(push?.title ?? 'OpenDispatch', options));
});

/** Opens `url` in the app: an open window is sent there (and focused), else a new window opens. */
async function openInApp(url: string): Promise<void> {
  const windows = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const target = new URL(url, sw.location.origin);
  const open = windows.find((client) => new URL(client.url).origin === sw.location.origin);
  if (open) {
    // The app routes itself (no reload), so the card is ready for its one tap.
    open.postMessage({ type: 'open-task', url: target.pathname + target.search });
    await open.focus().catch(() => undefined);
    return;
  }
  await sw.clients.openWindow(target.href);
}

sw.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data as { url?: unknown } | null;
  const url = typeof data?.url === 'string' && data.url.startsWith('/') && !data.url.startsWith('//') ? data.url : '/';
  const opening = openInApp(url);
  try {
    event.waitUntil(opening);
  } catch {
    // An event dispatched by a test harness is not trusted and refuses waitUntil; the work still runs.
  }
});
