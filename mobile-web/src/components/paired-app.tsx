import { useRef, useState } from 'preact/hooks';
import type { ApiClient } from '../api.js';
import { useGateway } from '../use-gateway.js';
import { useNotificationOpen } from '../use-notification-open.js';
import { useRoute } from '../use-route.js';
import { useStatusAnnouncements } from '../use-status-announcements.js';
import { AppHeader } from './app-header.js';
import { HomeScreen } from './home-screen.js';
import { LiveRegion } from './live-region.js';
import { LazySchedulesScreen } from './lazy-schedules-screen.js';
import { TaskScreen } from './task-screen.js';

interface Props {
  api: ApiClient;
  token: string;
  onUnauthorized: () => void;
}

/** Everything a paired phone sees: the list, one task, or the schedules, kept live over the event stream. */
export function PairedApp({ api, token, onUnauthorized }: Props) {
  const { route, navigate, goHome } = useRoute();
  const { data, dispatch, connection, generation, loadOlder } = useGateway(api, token, onUnauthorized);
  const announcement = useStatusAnnouncements(data);
  const [chosenDesktopId, setChosenDesktopId] = useState<string | undefined>(undefined);
  // Move focus to the new screen's heading on navigation, but not on first load.
  const firstRoute = useRef(route);
  const openTask = (id: string) => navigate({ name: 'task', id });
  useNotificationOpen(navigate);

  return (
    <>
      <AppHeader onBack={route.name !== 'home' ? goHome : undefined} />
      {route.name === 'home' ? (
        <HomeScreen
          api={api}
          data={data}
          connection={connection}
          chosenDesktopId={chosenDesktopId}
          onChooseDesktop={setChosenDesktopId}
          onOpenTask={openTask}
          onLoadOlder={loadOlder}
          onOpenSchedules={(draft) => navigate({ name: 'schedules', draft })}
        />
      ) : route.name === 'schedules' ? (
        <LazySchedulesScreen api={api} draft={route.draft} desktops={data.desktops} onOpenTask={openTask} focusHeading={firstRoute.current !== route} />
      ) : (
        <TaskScreen
          key={route.id}
          api={api}
          id={route.id}
          task={data.details[route.id]}
          summary={data.tasks.find((task) => task.id === route.id)}
          tasks={data.tasks}
          desktops={data.desktops}
          connection={connection}
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
