import { describe, expect, it } from 'vitest';
import { parseScheduleCommand } from '../../cli/schedule-commands.js';
import { UsageError } from '../../cli/usage.js';
import { createScheduleRequestSchema } from '../../common/api-schemas.js';
import { cronForRepeat, describeCron, describeRepeat } from '../../common/schedule-words.js';
import { defaultWhen, scheduleRequest, type ScheduleFormValues } from '../../mobile-web/src/schedule-format.js';

const form = (values: Partial<ScheduleFormValues>): ScheduleFormValues => ({ prompt: 'water the plants', repeat: 'once', date: '2099-03-04', time: '09:30', weekday: 1, cron: '', ...values });
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

describe('how a schedule reads', () => {
  it('reads the crons the phone makes back as the choices that made them', () => {
    expect(describeCron(cronForRepeat({ kind: 'daily' }, 9, 0))).toBe('Every day at 09:00');
    expect(describeCron(cronForRepeat({ kind: 'weekdays' }, 18, 5))).toBe('Weekdays at 18:05');
    expect(describeCron(cronForRepeat({ kind: 'weekly', weekday: 0 }, 7, 45))).toBe('Every Sunday at 07:45');
    expect(describeCron('0 9 * * MON-FRI')).toBe('Weekdays at 09:00');
    expect(describeCron('0 9 * * 7')).toBe('Every Sunday at 09:00');
    expect(describeCron('0 9 * * tue')).toBe('Every Tuesday at 09:00');
  });

  it('shows any other cron as it is, and the zone only when it is not the reader\'s', () => {
    expect(describeCron('0 9 1 * *')).toBeUndefined();
    expect(describeCron('*/5 * * * *')).toBeUndefined();
    expect(describeRepeat({ cron: '0 9 1 * *', timezone: 'Europe/Madrid' }, { localZone: 'Europe/Madrid' })).toBe('Custom: "0 9 1 * *"');
    expect(describeRepeat({ cron: '0 9 * * *', timezone: 'Asia/Tokyo' }, { localZone: 'Europe/Madrid' })).toBe('Every day at 09:00 (Asia/Tokyo time)');
    expect(describeRepeat({})).toBe('Once');
  });
});

describe('the phone\'s add form', () => {
  it('sends once as the instant of the picked local date and time, without a zone', () => {
    const outcome = scheduleRequest(form({}));
    expect(outcome).toEqual({ request: { prompt: 'water the plants', at: new Date('2099-03-04T09:30').toISOString() } });
    expect(createScheduleRequestSchema.safeParse((outcome as { request: unknown }).request).success).toBe(true);
  });

  it('sends every repeat as a cron with this phone\'s time zone, which the gateway\'s schema accepts', () => {
    for (const [repeat, cron] of [
      ['daily', '30 9 * * *'],
      ['weekdays', '30 9 * * 1-5'],
      ['weekly', '30 9 * * 1'],
    ] as const) {
      const outcome = scheduleRequest(form({ repeat }));
      expect(outcome).toEqual({ request: { prompt: 'water the plants', cron, timezone: zone } });
      expect(createScheduleRequestSchema.safeParse((outcome as { request: unknown }).request).success).toBe(true);
    }
    expect(scheduleRequest(form({ repeat: 'custom', cron: ' 0 9 1 * * ', model: 'claude-opus-4-7' }))).toEqual({ request: { prompt: 'water the plants', cron: '0 9 1 * *', timezone: zone, model: 'claude-opus-4-7' } });
  });

  it('names what to fix before asking the gateway: no prompt, a passed time, no cron', () => {
    expect(scheduleRequest(form({ prompt: '  ' }))).toMatchObject({ field: 'prompt' });
    expect(scheduleRequest(form({ date: '2001-01-01' }))).toMatchObject({ field: 'at', problem: 'That time has passed. Pick a later one.' });
    expect(scheduleRequest(form({ repeat: 'custom' }))).toMatchObject({ field: 'cron' });
  });

  it('starts the pickers on the next full hour', () => {
    expect(defaultWhen(new Date(2030, 4, 6, 14, 20))).toEqual({ date: '2030-05-06', time: '15:00', weekday: 1 });
    expect(defaultWhen(new Date(2030, 11, 31, 23, 59))).toEqual({ date: '2031-01-01', time: '00:00', weekday: 2 });
  });
});

describe('opendispatch schedule add, checked before Temporal', () => {
  const refusal = (args: string[]): string => {
    try {
      parseScheduleCommand(['add', 'water the plants', ...args], () => undefined);
    } catch (error) {
      if (error instanceof UsageError) return error.message;
      throw error;
    }
    return 'accepted';
  };

  it('names the flag at fault, as the person typed it', () => {
    expect(refusal(['--cron', '0 9 * *'])).toMatch(/^--cron: use 5 fields/);
    expect(refusal(['--cron', '0 9 * * 1-5', '--tz', 'Mars/Olympus'])).toMatch(/^--tz: unknown time zone "Mars\/Olympus"/);
    expect(refusal(['--at', '2001-01-01T09:00:00Z'])).toBe('--at: that time has passed.');
    expect(refusal([])).toMatch(/^--at: give at \(once\) or cron \(recurring\)/);
    expect(refusal(['--cron', '0 9 * * *', '--model', 'claude opus'])).toMatch(/^--model: not a model id/);
    expect(refusal(['--cron', '0 9 * * *', '--desktop', 'bad desktop'])).toMatch(/^--desktop: /);
    expect(refusal(['--cron', '0 9 * * *'])).toBe('accepted');
  });

  it('gives a cron without --tz this machine\'s zone', () => {
    expect(parseScheduleCommand(['add', 'x', '--cron', '0 9 * * *'], () => undefined)).toMatchObject({ kind: 'add', timing: { cron: '0 9 * * *', timezone: zone } });
  });
});
