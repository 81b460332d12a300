import { useState } from 'preact/hooks';
import type { Schedule } from '../../../common/api-schemas.js';
import type { ScheduleChange } from '../api.js';
import { urlForRoute } from '../route.js';
import { repeatText, runWhen } from '../schedule-format.js';
import { StatusBadge } from './status-badge.js';

interface Props {
  schedule: Schedule;
  /** The desktop it runs on, shown as "on Laptop"; absent when the phone knows only that desktop. */
  desktopName?: string;
  /** Asks the gateway for a change; rejects with a message to show. */
  onChange: (change: ScheduleChange) => Promise<void>;
  onOpenTask: (id: string) => void;
}

/**
 * One schedule: its prompt, how often it runs (and on which desktop, when there are several), its
 * next run on this phone's clock (or that it is paused), its last runs with their status, each
 * opening its task, and Pause or Resume, Run now and Delete (after a confirming second tap).
 */
export function ScheduleCard({ schedule, desktopName, onChange, onOpenTask }: Props) {
  const [pending, setPending] = useState<ScheduleChange | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState('');
  const promptId = `${schedule.id}-prompt`;

  async function change(kind: ScheduleChange) {
    setPending(kind);
    setProblem('');
    try {
      await onChange(kind);
    } catch (error) {
      setProblem(error instanceof Error && error.message ? error.message : 'That did not work. Try again.');
    } finally {
      setPending(null);
    }
  }

  return (
    <li class={`schedule${schedule.paused ? ' schedule--paused' : ''}`}>
      <p id={promptId} class="schedule__prompt">
        {schedule.prompt}
      </p>
      <p class="schedule__repeat">
        {repeatText(schedule)}
        {desktopName && ` · on ${desktopName}`}
      </p>
      {schedule.paused ? (
        <p class="schedule__next">
          <span class="badge badge--paused">Paused</span> It won't run until you resume it.
        </p>
      ) : schedule.nextRunAt ? (
        <p class="schedule__next">
          Next run: <time dateTime={schedule.nextRunAt}>{runWhen(schedule.nextRunAt)}</time>
        </p>
      ) : (
        <p class="schedule__next muted">No more runs.</p>
      )}
      {schedule.recentRuns.length > 0 && (
        <div class="schedule__runs">
          <h3 class="schedule__runs-heading">Last runs</h3>
          <ul>
            {schedule.recentRuns.map((run) => (
              <li key={run.taskId}>
                <a
                  class="schedule__run"
                  href={urlForRoute({ name: 'task', id: run.taskId })}
                  onClick={(event) => {
                    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
                    event.preventDefault();
                    onOpenTask(run.taskId);
                  }}
                >
                  <time dateTime={run.scheduledAt}>{runWhen(run.scheduledAt)}</time>
                  {run.status ? <StatusBadge status={run.status} /> : <span class="muted">Status unknown</span>}
                  <span class="schedule__run-open" aria-hidden="true">
                    ›
                  </span>
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
      {problem && (
        <p class="form-error" role="alert">
          {problem}
        </p>
      )}
      {confirming ? (
        <div class="confirm" role="group" aria-labelledby={`${schedule.id}-confirm`}>
          <p id={`${schedule.id}-confirm`} class="confirm__question">
            Delete this schedule? The tasks it already ran stay.
          </p>
          <div class="confirm__buttons">
            <button type="button" class="button" disabled={pending !== null} onClick={() => setConfirming(false)}>
              Keep it
            </button>
            <button type="button" class="button button--danger" disabled={pending !== null} aria-busy={pending === 'delete'} onClick={() => change('delete')}>
              {pending === 'delete' ? 'Deleting…' : 'Yes, delete'}
            </button>
          </div>
        </div>
      ) : (
        <div class="schedule__actions" role="group" aria-describedby={promptId}>
          <button type="button" class="button" disabled={pending !== null} aria-busy={pending === 'pause' || pending === 'unpause'} onClick={() => change(schedule.paused ? 'unpause' : 'pause')}>
            {schedule.paused ? 'Resume' : 'Pause'}
          </button>
          <button type="button" class="button" disabled={pending !== null} aria-busy={pending === 'trigger'} onClick={() => change('trigger')}>
            {pending === 'trigger' ? 'Starting…' : 'Run now'}
          </button>
          <button type="button" class="button schedule__delete" disabled={pending !== null} onClick={() => setConfirming(true)}>
            Delete
          </button>
        </div>
      )}
    </li>
  );
}
