import { useEffect } from 'preact/hooks';
import { routeFromSearch, type Route } from './route.js';

/**
 * Follows a tapped notification: the service worker posts `{type: 'open-task', url}` to an open
 * window of the app, and this routes to that task without reloading, so its question or approval
 * card is there for the next tap.
 */
export function useNotificationOpen(navigate: (route: Route) => void): void {
  useEffect(() => {
    const container = 'serviceWorker' in navigator ? navigator.serviceWorker : undefined;
    if (!container) return;
    const onMessage = (event: MessageEvent) => {
      const data = event.data as { type?: unknown; url?: unknown } | null;
      if (data?.type !== 'open-task' || typeof data.url !== 'string' || !data.url.startsWith('/?')) return;
      const route = routeFromSearch(data.url.slice(1));
      if (route.name === 'task') navigate(route);
    };
    container.addEventListener('message', onMessage);
    return () => container.removeEventListener('message', onMessage);
  }, [navigate]);
}
