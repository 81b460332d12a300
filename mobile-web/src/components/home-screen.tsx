import type { ApiClient } from '../api.js';
import type { ConnectionState } from '../events.js';
import { desktopName, pickDesktop } from '../desktop-names.js';
import { urlForRoute, type ScheduleDraft } from '../route.js';
import type { GatewayData } from '../store.js';
import { DesktopBanner } from './desktop-banner.js';
import { DispatchForm } from './dispatch-form.js';
import { NotifyToggle } from './notify-toggle.js';
import { TaskList } from './task-list.js';

interface Props {
  api: ApiClient;
  data: GatewayData;
  connection: ConnectionState;
  /** The desktop last picked for new tasks, kept while the list updates and across screens. */
  chosenDesktopId: string | undefined;
  onChooseDesktop: (id: string) => void;
  onOpenTask: (id: string) => void;
  /** Loads the next, older page of tasks. */
  onLoadOlder: () => Promise<void>;
  /** Opens the schedules; with a draft from "Later…", its form for a new one. */
  onOpenSchedules: (draft?: ScheduleDraft) => void;
}

/** The list view: is the desktop there, what should it do, and what it has been doing. */
export function HomeScreen({ api, data, connection, chosenDesktopId, onChooseDesktop, onOpenTask, onLoadOlder, onOpenSchedules }: Props) {
  const unreachable = connection === 'offline';
  const desktops = data.desktops ?? [];
  const chosen = pickDesktop(desktops, chosenDesktopId);
  const many = desktops.length > 1;
  return (
    <main class="screen">
      <h1 class="visually-hidden">OpenDispatch</h1>
      <DesktopBanner desktop={chosen} loading={data.desktops === null} unreachable={unreachable} label={many && chosen ? desktopName(chosen.id, desktops) : undefined} />
      <DispatchForm
        api={api}
        desktops={desktops}
        desktopId={many ? chosen?.id : undefined}
        onDesktopChange={onChooseDesktop}
        onDispatched={onOpenTask}
        onLater={onOpenSchedules}
      />
      <NotifyToggle api={api} />
      <a
        class="nav-row"
        href={urlForRoute({ name: 'schedules' })}
        onClick={(event) => {
          if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
          event.preventDefault();
          onOpenSchedules();
        }}
      >
        <span class="nav-row__text">
          <span class="nav-row__title">Schedules</span>
          <span class="nav-row__hint">Tasks for later, once or every day</span>
        </span>
        <span class="nav-row__chevron" aria-hidden="true">
          ›
        </span>
      </a>
      <TaskList
        tasks={data.tasks}
        desktops={data.desktops}
        loaded={data.tasksLoaded}
        unreachable={unreachable}
        onOpen={onOpenTask}
        onLoadOlder={data.nextCursor === undefined ? undefined : onLoadOlder}
      />
    </main>
  );
}
