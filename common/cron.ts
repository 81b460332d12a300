/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week), checked before a
 * schedule is made so a person gets "cron: …" with the field at fault instead of a server error.
 */

const FIELDS = [
  { name: 'minute', min: 0, max: 59, names: [] as string[] },
  { name: 'hour', min: 0, max: 23, names: [] as string[] },
  { name: 'day of month', min: 1, max: 31, names: [] as string[] },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
] as const;

/** Undefined when `cron` is a valid 5-field expression, else what is wrong with it. */
export function cronProblem(cron: string): string | undefined {
  const parts = cron.trim().split(/\s+/);
  if (parts.length !== 5) return `use 5 fields (minute hour day-of-month month day-of-week), not ${parts.length}`;
  for (const [index, part] of parts.entries()) {
    const field = FIELDS[index]!;
    const value = (text: string): number | undefined => {
      const named = (field.names as readonly string[]).indexOf(text.toUpperCase());
      if (named >= 0) return named + (field.name === 'month' ? 1 : 0);
      return /^\d{1,2}$/.test(text) ? Number(text) : undefined;
    };
    for (const item of part.split(',')) {
      const [range, step] = item.split('/');
      if (step !== undefined && !/^[1-9]\d{0,1}$/.test(step)) return `${field.name}: "${item}" has a bad step`;
      if (range === '*') continue;
      const [from, to] = range!.split('-');
      const start = value(from ?? '');
      const end = to === undefined ? start : value(to);
      if (start === undefined || end === undefined || start < field.min || end > field.max || start > end) {
        return `${field.name}: "${item}" is not within ${field.min}-${field.max}`;
      }
    }
  }
  return undefined;
}

/** Whether `zone` is an IANA time zone this machine knows, e.g. "Europe/Madrid". */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}
