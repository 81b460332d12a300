import type { CreateScheduleRequest, Schedule } from '../../common/api-schemas.js';
import { cronForRepeat, describeRepeat } from '../../common/schedule-words.js';

/** The add form's repeat choices. */
export type RepeatChoice = 'once' | 'daily' | 'weekdays' | 'weekly' | 'custom';

/** The add form as the person filled it in; dates and times are the pickers' own strings. */
export interface ScheduleFormValues {
  prompt: string;
  repeat: RepeatChoice;
  /** `yyyy-mm-dd`, for once. */
  date: string;
  /** `HH:MM`, on this phone's clock. */
  time: string;
  /** 0 = Sunday, for weekly. */
  weekday: number;
  cron: string;
  model?: string;
  desktopId?: string;
}

/** This phone's IANA time zone: the one its schedules' times are in. */
export const phoneZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

const pad = (value: number): string => String(value).padStart(2, '0');

/** A local day as a date picker's value, `yyyy-mm-dd`. */
export const dateInputValue = (date: Date): string => `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;

/** The pickers' starting values: the next full hour, today (or tomorrow past 23:00), and today's weekday. */
export function defaultWhen(now = new Date()): Pick<ScheduleFormValues, 'date' | 'time' | 'weekday'> {
  const next = new Date(now.getFullYear(), now.getMonth(), now.getDate(), now.getHours() + 1);
  return { date: dateInputValue(next), time: `${pad(next.getHours())}:00`, weekday: now.getDay() };
}

/** A request the gateway can take, or what to fix first and in which field. */
export type FormOutcome = { request: CreateScheduleRequest } | { field: 'prompt' | 'at' | 'cron'; problem: string };

/**
 * Turns the form into `POST /api/schedules`: once is an instant (`at`, from the phone's local
 * date and time); every other choice is a cron with the phone's time zone, so "9:00" means 9:00
 * where the phone is. The gateway checks the rest (a custom cron's fields) and names the field.
 */
export function scheduleRequest(values: ScheduleFormValues, now = new Date()): FormOutcome {
  const prompt = values.prompt.trim();
  if (!prompt) return { field: 'prompt', problem: 'Type what your desktop should do first.' };
  const extras = { ...(values.model ? { model: values.model } : {}), ...(values.desktopId ? { desktopId: values.desktopId } : {}) };
  if (values.repeat === 'custom') {
    const cron = values.cron.trim();
    if (!cron) return { field: 'cron', problem: 'Type a cron: minute hour day-of-month month day-of-week.' };
    return { request: { prompt, cron, timezone: phoneZone(), ...extras } };
  }
  if (!/^\d\d:\d\d/.test(values.time)) return { field: 'at', problem: 'Pick a time.' };
  const [hour, minute] = values.time.split(':').map(Number) as [number, number];
  if (values.repeat === 'once') {
    const at = new Date(`${values.date}T${values.time}`);
    if (Number.isNaN(at.getTime())) return { field: 'at', problem: 'Pick a date and a time.' };
    if (at.getTime() <= now.getTime()) return { field: 'at', problem: 'That time has passed. Pick a later one.' };
    return { request: { prompt, at: at.toISOString(), ...extras } };
  }
  const repeat = values.repeat === 'weekly' ? { kind: 'weekly' as const, weekday: values.weekday } : { kind: values.repeat };
  return { request: { prompt, cron: cronForRepeat(repeat, hour, minute), timezone: phoneZone(), ...extras } };
}

/** A time of day as this phone writes it ("09:00" or "9:00 AM"). */
export const phoneClock = (hour: number, minute: number): string =>
  new Date(Date.UTC(2000, 0, 1, hour, minute)).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });

/** "Weekdays at 09:00", with the zone added when it is not this phone's. */
export const repeatText = (schedule: Pick<Schedule, 'cron' | 'timezone'>): string => describeRepeat(schedule, { localZone: phoneZone(), clock: phoneClock });

/** When a run is (or was), on this phone's clock: "Today, 09:00", "Tomorrow, 09:00", "Mon, Nov 3, 09:00". */
export function runWhen(iso: string, now = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const time = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  const days = Math.round((new Date(date).setHours(0, 0, 0, 0) - new Date(now).setHours(0, 0, 0, 0)) / 86_400_000);
  if (days === 0) return `Today, ${time}`;
  if (days === 1) return `Tomorrow, ${time}`;
  if (days === -1) return `Yesterday, ${time}`;
  const sameYear = date.getFullYear() === now.getFullYear();
  return `${date.toLocaleDateString(undefined, { weekday: 'short', month: 'short', day: 'numeric', ...(sameYear ? {} : { year: 'numeric' }) })}, ${time}`;
}
