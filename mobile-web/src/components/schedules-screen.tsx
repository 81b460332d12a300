import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Desktop, Schedule } from '../../../common/api-schemas.js';
import { ApiFailure, type ApiClient, type ScheduleChange } from '../api.js';
import { desktopNameIfMany } from '../desktop-names.js';
import type { ScheduleDraft } from '../route.js';
import { ScheduleCard } from './schedule-card.js';
import { ScheduleForm } from './schedule-form.js';

interface Props {
  api: ApiClient;
  /** From "Later…": open the form with this prompt. */
  draft?: ScheduleDraft;
  /** The desktop list (null until it arrives): a picker in the form, and each schedule's desktop, when there are several. */
  desktops: readonly Desktop[] | null;
  onOpenTask: (id: string) => void;
  focusHeading: boolean;
}

/** A change made on this phone that Temporal's schedule listing (a moment behind) may not show yet: the schedule as it now is, or null once deleted. */
interface Expected {
  schedule: Schedule | null;
  until: number;
}

/** The gateway's list with this phone's own recent changes laid over it until the list shows them (or 15 s pass). */
function reconcile(listed: Schedule[], expected: Map<string, Expected>, now = Date.now()): Schedule[] {
  let result = listed;
  for (const [id, want] of expected) {
    const found = result.find((schedule) => schedule.id === id);
    const agrees = want.schedule === null ? !found : found?.paused === want.schedule.paused;
    if (agrees || now > want.until) {
      expected.delete(id);
    } else if (want.schedule === null) {
      result = result.filter((schedule) => schedule.id !== id);
    } else {
      const paused = want.schedule.paused;
      result = found ? result.map((schedule) => (schedule.id === id ? { ...schedule, paused } : schedule)) : [want.schedule, ...result];
    }
  }
  return result;
}

const FINAL = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * The schedules: a form for a new one, then each with its next run and last runs. The list is
 * fetched on arrival and refreshed every 30 s, or every 5 s while one of the runs shown is under
 * way, since schedules are not pushed over the event stream.
 */
export function SchedulesScreen({ api, draft, desktops, onOpenTask, focusHeading }: Props) {
  const [schedules, setSchedules] = useState<Schedule[] | null>(null);
  const [problem, setProblem] = useState('');
  const [adding, setAdding] = useState(draft !== undefined);
  const [announcement, setAnnouncement] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  const expected = useRef(new Map<string, Expected>());
  const timers = useRef<number[]>([]);

  const load = useCallback(async () => {
    try {
      const listed = await api.listSchedules();
      setSchedules(reconcile(listed, expected.current));
      setProblem('');
    } catch (error) {
      setProblem(error instanceof ApiFailure ? error.message : 'Could not load the schedules. Try again.');
    }
  }, [api]);

  const active = schedules?.some((schedule) => schedule.recentRuns.some((run) => !run.status || !FINAL.has(run.status))) ?? false;
  useEffect(() => {
    void load();
    const interval = window.setInterval(() => void load(), active ? 5_000 : 30_000);
    return () => window.clearInterval(interval);
  }, [load, active]);
  useEffect(() => {
    if (focusHeading) heading.current?.focus();
  }, [focusHeading]);
  useEffect(() => () => timers.current.forEach((timer) => window.clearTimeout(timer)), []);

  /** Records what the list should show now, shows it, and looks again shortly as Temporal catches up. */
  function settle(id: string, schedule: Schedule | null | undefined, message: string) {
    if (schedule !== undefined) expected.current.set(id, { schedule, until: Date.now() + 15_000 });
    setSchedules((current) => reconcile(current ?? [], expected.current));
    setAnnouncement(message);
    timers.current.push(...[800, 2_000, 4_500].map((delay) => window.setTimeout(() => void load(), delay)));
  }

  async function change(schedule: Schedule, kind: ScheduleChange) {
    await api.changeSchedule(schedule.id, kind);
    if (kind === 'delete') {
      settle(schedule.id, null, 'Schedule deleted.');
      heading.current?.focus();
    } else if (kind === 'trigger') {
      settle(schedule.id, undefined, 'Started a run now. It shows under Last runs in a moment.');
    } else {
      settle(schedule.id, { ...schedule, paused: kind === 'pause' }, kind === 'pause' ? 'Schedule paused.' : 'Schedule resumed.');
    }
  }

  return (
    <main class="screen">
      <h1 ref={heading} tabIndex={-1}>
        Schedules
      </h1>
      <p class="muted schedules__intro">Tasks for later, once or again and again. Each run is an ordinary task in your list.</p>
      {adding ? (
        <ScheduleForm
          api={api}
          draft={draft}
          desktops={desktops ?? []}
          onCancel={() => setAdding(false)}
          onCreated={(schedule) => {
            setAdding(false);
            settle(schedule.id, schedule, 'Scheduled.');
          }}
        />
      ) : (
        <button type="button" class="button button--primary" onClick={() => setAdding(true)}>
          New schedule
        </button>
      )}
      <section class="schedules" aria-labelledby="schedules-heading">
        <h2 id="schedules-heading">Scheduled</h2>
        {problem && (
          <p class="notice notice--error" role="alert">
            {problem}
          </p>
        )}
        {schedules === null ? (
          !problem && <p class="muted">Loading schedules…</p>
        ) : schedules.length === 0 ? (
          <p class="muted">Nothing scheduled yet.</p>
        ) : (
          <ul class="schedules__items">
            {schedules.map((schedule) => (
              <ScheduleCard
                key={schedule.id}
                schedule={schedule}
                desktopName={desktopNameIfMany(schedule.desktopId, desktops)}
                onOpenTask={onOpenTask}
                onChange={(kind) => change(schedule, kind)}
              />
            ))}
          </ul>
        )}
      </section>
      <p class="visually-hidden" role="status">
        {announcement}
      </p>
    </main>
  );
}
