import { useRef } from 'preact/hooks';
import type { ApiClient } from '../api.js';
import { useGateway } from '../use-gateway.js';
import { useNotificationOpen } from '../use-notification-open.js';
import { useRoute } from '../use-route.js';
import { useStatusAnnouncements } from '../use-status-announcements.js';
import { AppHeader } from './app-header.js';
import { HomeScreen } from './home-screen.js';
import { LiveRegion } from './live-region.js';
import { TaskScreen } from './task-screen.js';

interface Props {
  api: ApiClient;
  token: string;
  onUnauthorized: () => void;
}

/** Everything a paired phone sees: the list or one task, kept live over the event stream. */
export function PairedApp({ api, token, onUnauthorized }: Props) {
  const { route, navigate, goHome } = useRoute();
  const { data, dispatch, connection, generation, loadOlder } = useGateway(api, token, onUnauthorized);
  const announcement = useStatusAnnouncements(data);
  // Move focus to the new screen's heading on navigation, but not on first load.
  const firstRoute = useRef(route);
  const openTask = (id: string) => navigate({ name: 'task', id });
  useNotificationOpen(navigate);

  return (
    <>
      <AppHeader connection={connection} onBack={route.name === 'task' ? goHome : undefined} />
      {route.name === 'home' ? (
        <HomeScreen api={api} data={data} connection={connection} onOpenTask={openTask} onLoadOlder={loadOlder} />
      ) : (
        <TaskScreen
          key={route.id}
          api={api}
          id={route.id}
          task={data.details[route.id]}
          summary={data.tasks.find((task) => task.id === route.id)}
          generation={generation}
          dispatch={dispatch}
          onOpenTask={openTask}
          focusHeading={firstRoute.current !== route}
        />
      )}
      <LiveRegion message={announcement} />
    </>
  );
}
