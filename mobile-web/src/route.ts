/**
 * The paired views. Everything lives at `/`; a task is `/?task=<id>` and the schedules are
 * `/?view=schedules`, so a reload lands on them.
 */
export type Route = { name: 'home' } | { name: 'task'; id: string } | { name: 'schedules'; draft?: ScheduleDraft };

/** What "Later…" on the dispatch form carries to a new schedule. In memory only: a prompt never goes into the address. */
export interface ScheduleDraft {
  prompt: string;
  model?: string;
  desktopId?: string;
}

export function routeFromSearch(search: string): Route {
  const params = new URLSearchParams(search);
  const id = params.get('task');
  if (id && id.length <= 100) return { name: 'task', id };
  return params.get('view') === 'schedules' ? { name: 'schedules' } : { name: 'home' };
}

export function urlForRoute(route: Route): string {
  return route.name === 'task' ? `/?task=${encodeURIComponent(route.id)}` : route.name === 'schedules' ? '/?view=schedules' : '/';
}
