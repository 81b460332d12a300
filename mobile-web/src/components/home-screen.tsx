import { useState } from 'preact/hooks';
import type { ApiClient } from '../api.js';
import type { ConnectionState } from '../events.js';
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
  onOpenTask: (id: string) => void;
  /** Loads the next, older page of tasks. */
  onLoadOlder: () => Promise<void>;
  /** Opens the schedules; with a draft from "Later…", its form for a new one. */
  onOpenSchedules: (draft?: ScheduleDraft) => void;
}

/** The list view: is the desktop there, what should it do, and what it has been doing. */
export function HomeScreen({ api, data, connection, onOpenTask, onLoadOlder, onOpenSchedules }: Props) {
  const unreachable = connection === 'offline';
  const desktops = data.desktops ?? [];
  const [chosenId, setChosenId] = useState<string | undefined>(undefined);
  const chosen = desktops.find((desktop) => desktop.id === chosenId) ?? desktops[0];
  return (
    <main class="screen">
      <h1 class="visually-hidden">OpenDispatch</h1>
      <DesktopBanner desktop={chosen} loading={data.desktops === null} unreachable={unreachable} label={desktops.length > 1 ? chosen?.id : undefined} />
      <DispatchForm
        api={api}
        desktops={desktops}
        desktopId={desktops.length > 1 ? chosen?.id : undefined}
        onDesktopChange={setChosenId}
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
        loaded={data.tasksLoaded}
        unreachable={unreachable}
        onOpen={onOpenTask}
        onLoadOlder={data.nextCursor === undefined ? undefined : onLoadOlder}
      />
    </main>
  );
}
