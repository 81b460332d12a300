/// <reference lib="webworker" />
/**
 * Offline start for the phone client: the app shell (this build's HTML, JS, CSS, icons) is
 * cached at install and served cache-first, so the app opens with no network and then talks to
 * the gateway as usual. Nothing under /api/ is ever cached or even intercepted: task data and
 * screenshots are private and must be fresh.
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
