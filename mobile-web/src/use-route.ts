import { useCallback, useEffect, useState } from 'preact/hooks';
import { routeFromSearch, urlForRoute, type Route } from './route.js';

/** Marks history entries this app pushed, so "Back" can pop instead of piling up entries. */
interface AppHistoryState {
  app: true;
}

export interface Navigation {
  route: Route;
  navigate: (route: Route) => void;
  /** Back to the list: pops our own entry when there is one, else replaces the address. */
  goHome: () => void;
}

/** In-memory view state mirrored to `/?task=<id>` with the History API (the gateway only serves `/`). */
export function useRoute(): Navigation {
  const [route, setRoute] = useState<Route>(() => routeFromSearch(location.search));

  useEffect(() => {
    const onPop = () => setRoute(routeFromSearch(location.search));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const navigate = useCallback((next: Route) => {
    const state: AppHistoryState = { app: true };
    history.pushState(state, '', urlForRoute(next));
    setRoute(next);
    window.scrollTo(0, 0);
  }, []);

  const goHome = useCallback(() => {
    if ((history.state as Partial<AppHistoryState> | null)?.app) {
      history.back();
    } else {
      history.replaceState(null, '', urlForRoute({ name: 'home' }));
      setRoute({ name: 'home' });
    }
  }, []);

  return { route, navigate, goHome };
}
