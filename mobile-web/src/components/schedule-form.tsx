import { useState } from 'preact/hooks';
import type { Desktop, Schedule } from '../../../common/api-schemas.js';
import { WEEKDAY_NAMES } from '../../../common/schedule-words.js';
import { ApiFailure, type ApiClient } from '../api.js';
import { desktopName, pickDesktop } from '../desktop-names.js';
import type { ScheduleDraft } from '../route.js';
import { dateInputValue, defaultWhen, phoneZone, repeatText, runWhen, scheduleRequest, type RepeatChoice, type ScheduleFormValues } from '../schedule-format.js';
import { DesktopPicker } from './desktop-picker.js';

const REPEATS: Array<[RepeatChoice, string]> = [
  ['once', 'Once'],
  ['daily', 'Every day'],
  ['weekdays', 'Weekdays'],
  ['weekly', 'Weekly'],
  ['custom', 'Custom'],
];

/** Monday first, as calendars on most phones start the week. */
const WEEK = [1, 2, 3, 4, 5, 6, 0];

interface Props {
  api: ApiClient;
  /** What "Later…" on the dispatch form brought along. */
  draft?: ScheduleDraft;
  /** Every desktop the phone knows; with two or more the form asks which one runs it. */
  desktops: readonly Desktop[];
  /** The new schedule as the form knows it, shown at once while the gateway's list catches up. */
  onCreated: (schedule: Schedule) => void;
  onCancel: () => void;
}

/**
 * A new schedule: the prompt, how often (once, every day, weekdays, weekly on a day, or a custom
 * cron), and when, with the phone's own date and time pickers, and on which desktop when there are
 * several. Times are the phone's local time; its time zone goes with every repeating schedule.
 */
export function ScheduleForm({ api, draft, desktops, onCreated, onCancel }: Props) {
  const [values, setValues] = useState<ScheduleFormValues>(() => ({ prompt: draft?.prompt ?? '', repeat: 'once', cron: '', ...defaultWhen(), model: draft?.model, desktopId: draft?.desktopId }));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ field?: string; text: string } | null>(null);
  const set = (patch: Partial<ScheduleFormValues>) => setValues((current) => ({ ...current, ...patch }));
  // With several desktops the picker always shows one of them, and the schedule goes to the one it shows.
  const desktopId = desktops.length > 1 ? pickDesktop(desktops, values.desktopId)?.id : values.desktopId;
  const outcome = scheduleRequest({ ...values, desktopId });
  // The timing in words, even before the prompt is typed; a custom cron is shown as typed already.
  const timing = scheduleRequest({ ...values, prompt: 'x' });
  const preview = values.repeat === 'custom' || !('request' in timing) ? '' : timing.request.at ? `Once, ${runWhen(timing.request.at)}` : repeatText(timing.request);
  const invalid = (field: string) => (problem?.field === field ? true : undefined);
  const { repeat } = values;

  async function submit() {
    if (busy) return;
    if ('problem' in outcome) {
      setProblem({ field: outcome.field, text: outcome.problem });
      return;
    }
    const { request } = outcome;
    setBusy(true);
    setProblem(null);
    try {
      const created = await api.createSchedule(request);
      onCreated({
        id: created.id,
        prompt: request.prompt,
        desktopId: request.desktopId ?? pickDesktop(desktops, undefined)?.id ?? '',
        ...(request.model ? { model: request.model } : {}),
        ...(request.at ? { at: request.at } : { cron: request.cron, timezone: request.timezone }),
        paused: false,
        ...(created.nextRunAt ? { nextRunAt: created.nextRunAt } : {}),
        recentRuns: [],
      });
    } catch (error) {
      setProblem(error instanceof ApiFailure ? { field: error.field, text: error.message } : { text: 'Could not make the schedule. Try again.' });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      class="schedule-form stack"
      noValidate
      aria-labelledby="schedule-form-heading"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h2 id="schedule-form-heading">New schedule</h2>
      <label class="field">
        <span class="field__label">What should your desktop do?</span>
        <textarea
          class="input dispatch__prompt"
          name="prompt"
          rows={3}
          maxLength={20_000}
          value={values.prompt}
          onInput={(event) => set({ prompt: event.currentTarget.value })}
          aria-invalid={invalid('prompt')}
        />
      </label>
      <DesktopPicker desktops={desktops} value={desktopId} onChange={(id) => set({ desktopId: id })} />
      <fieldset class="repeat">
        <legend class="field__label">Repeat</legend>
        <div class="repeat__choices">
          {REPEATS.map(([value, label]) => (
            <label key={value} class="chip">
              <input type="radio" name="repeat" value={value} checked={repeat === value} onChange={() => set({ repeat: value })} />
              <span class="chip__text">{label}</span>
            </label>
          ))}
        </div>
      </fieldset>
      {repeat === 'custom' ? (
        <label class="field">
          <span class="field__label">Cron</span>
          <input
            class="input schedule-form__cron"
            name="cron"
            autoCapitalize="off"
            autoComplete="off"
            spellcheck={false}
            placeholder="0 9 1 * *"
            value={values.cron}
            onInput={(event) => set({ cron: event.currentTarget.value })}
            aria-invalid={invalid('cron')}
            aria-describedby="cron-hint"
          />
          <span id="cron-hint" class="field__hint">
            Minute, hour, day of month, month, day of week. <code>0 9 1 * *</code> is 9:00 on the 1st of every month.
          </span>
        </label>
      ) : (
        <div class={`schedule-form__when${repeat === 'once' || repeat === 'weekly' ? ' schedule-form__when--two' : ''}`}>
          {repeat === 'once' && (
            <label class="field">
              <span class="field__label">Date</span>
              <input class="input" type="date" name="date" min={dateInputValue(new Date())} value={values.date} onInput={(event) => set({ date: event.currentTarget.value })} aria-invalid={invalid('at')} />
            </label>
          )}
          {repeat === 'weekly' && (
            <label class="field">
              <span class="field__label">Day</span>
              <select class="input" name="weekday" value={values.weekday} onChange={(event) => set({ weekday: Number(event.currentTarget.value) })}>
                {WEEK.map((day) => (
                  <option key={day} value={day}>
                    {WEEKDAY_NAMES[day]}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label class="field">
            <span class="field__label">Time</span>
            <input class="input" type="time" name="time" value={values.time} onInput={(event) => set({ time: event.currentTarget.value })} aria-invalid={invalid('at')} />
          </label>
        </div>
      )}
      <p class="field__hint">
        Times are this phone's, in {phoneZone()}.{desktopId ? ` Runs on ${desktopName(desktopId, desktops)}.` : ''}
        {values.model ? ` Model: ${values.model}.` : ''}
      </p>
      {preview && (
        <p class="schedule-form__preview">
          <span class="visually-hidden">Will run: </span>
          {preview}
        </p>
      )}
      <p class="form-error" role="alert">
        {problem?.text}
      </p>
      <div class="schedule-form__buttons">
        <button type="button" class="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" class="button button--primary" disabled={busy} aria-busy={busy}>
          {busy ? 'Scheduling…' : 'Schedule it'}
        </button>
      </div>
    </form>
  );
}
