/**
 * How a schedule's timing reads to a person, and the crons the phone's repeat choices stand for.
 * Shared by the CLI and the phone (no imports, so the phone bundles only these few lines), so a
 * schedule made on one reads the same on the other.
 */

/** The repeat choices the phone offers besides "once" and a custom cron. */
export type SimpleRepeat = { kind: 'daily' } | { kind: 'weekdays' } | { kind: 'weekly'; weekday: number };

/** Sunday first, as cron counts them (0 and 7 are both Sunday). */
export const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

const CRON_DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** "09:05": the default way to write a cron's time of day. */
export const clock24 = (hour: number, minute: number): string => `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;

/** The 5-field cron for a repeat at `hour`:`minute`, e.g. weekdays at 9:00 → "0 9 * * 1-5". */
export function cronForRepeat(repeat: SimpleRepeat, hour: number, minute: number): string {
  const days = repeat.kind === 'daily' ? '*' : repeat.kind === 'weekdays' ? '1-5' : String(repeat.weekday % 7);
  return `${minute} ${hour} * * ${days}`;
}

function weekdayOf(field: string): number | undefined {
  if (/^[0-7]$/.test(field)) return Number(field) % 7;
  const named = CRON_DAYS.indexOf(field.toUpperCase());
  return named >= 0 ? named : undefined;
}

/**
 * "Every day at 09:00", "Weekdays at 09:00", "Every Monday at 09:00" for the crons those choices
 * make (and their usual spellings); undefined for any other cron, which is shown as it is.
 */
export function describeCron(cron: string, clock: (hour: number, minute: number) => string = clock24): string | undefined {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) return undefined;
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string];
  if (!/^\d{1,2}$/.test(minute) || !/^\d{1,2}$/.test(hour) || dayOfMonth !== '*' || month !== '*') return undefined;
  if (Number(minute) > 59 || Number(hour) > 23) return undefined;
  const at = clock(Number(hour), Number(minute));
  if (dayOfWeek === '*') return `Every day at ${at}`;
  if (dayOfWeek === '1-5' || dayOfWeek.toUpperCase() === 'MON-FRI') return `Weekdays at ${at}`;
  const day = weekdayOf(dayOfWeek);
  return day === undefined ? undefined : `Every ${WEEKDAY_NAMES[day]} at ${at}`;
}

/**
 * A schedule's repeat in words: "Once", "Weekdays at 09:00", or `Custom: "0 9 1 * *"`. The time
 * zone is added when it is not `localZone` (the reader's own), since the cron's times are in it.
 */
export function describeRepeat(
  schedule: { cron?: string; timezone?: string },
  options: { localZone?: string; clock?: (hour: number, minute: number) => string } = {},
): string {
  if (!schedule.cron) return 'Once';
  const words = describeCron(schedule.cron, options.clock) ?? `Custom: "${schedule.cron}"`;
  return schedule.timezone && schedule.timezone !== options.localZone ? `${words} (${schedule.timezone} time)` : words;
}
