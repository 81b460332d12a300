/** The two paired views. Everything lives at `/`; a task is `/?task=<id>` so a reload lands on it. */
export type Route = { name: 'home' } | { name: 'task'; id: string };

export function routeFromSearch(search: string): Route {
  const id = new URLSearchParams(search).get('task');
  return id && id.length <= 100 ? { name: 'task', id } : { name: 'home' };
}

export function urlForRoute(route: Route): string {
  return route.name === 'task' ? `/?task=${encodeURIComponent(route.id)}` : '/';
}
