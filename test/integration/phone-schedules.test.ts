import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../common/config.js';
import { createLogger } from '../../common/logger.js';
import { changeSchedule, createSchedule, getSchedule, listSchedules, scheduleExists } from '../../common/schedules.js';
import { createDeviceRegistry } from '../../gateway/device-registry.js';
import { startGateway, type RunningGateway } from '../../gateway/gateway.js';
import { eventually } from '../helpers/async.js';
import { endTurn } from '../helpers/fake-messages-api.js';
import { startDesktopStack, type DesktopStack } from '../helpers/desktop-stack.js';
import { launchPhone } from '../helpers/phone-browser.js';
import { freePort } from '../helpers/temporal-server.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/phone/', import.meta.url));
/** The phone is in Tokyo (no daylight saving, and not the desktop's UTC), so its own zone must be what is sent. */
const ZONE = 'Asia/Tokyo';
const run = promisify(execFile);

/** What Temporal's own CLI says about the namespace's schedules. */
async function temporalScheduleList(stack: DesktopStack): Promise<Array<{ scheduleId: string; info?: { paused?: boolean } }>> {
  const { stdout } = await run('temporal', ['schedule', 'list', '--address', stack.temporal.address, '--output', 'json']);
  const parsed = JSON.parse(stdout.trim() || '[]') as unknown;
  return (Array.isArray(parsed) ? parsed : []) as Array<{ scheduleId: string; info?: { paused?: boolean } }>;
}

const inZone = (date: Date, options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, ...options }).format(date);

describe('the phone: schedules', () => {
  let stack: DesktopStack;
  let gateway: RunningGateway;
  let phone: Awaited<ReturnType<typeof launchPhone>>;
  let page: Page;
  let config: ReturnType<typeof loadConfig>;
  const snap = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  const card = (prompt: string): Locator => page.locator('.schedule', { hasText: prompt });
  /** The schedule the page made, as Temporal has it (its listing catches up within a moment). */
  const madeFor = async (prompt: string) => {
    const listed = await eventually(() => listSchedules(stack.client), (all) => all.some((entry) => entry.prompt === prompt));
    return getSchedule(stack.client, listed.find((entry) => entry.prompt === prompt)!.id);
  };

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    stack = await startDesktopStack();
    await stack.startWorker();
    const port = await freePort();
    config = loadConfig({ ...stack.env, DISPATCH_PORT: String(port), DISPATCH_HOST: '127.0.0.1', DISPATCH_SETUP_PORT: String(await freePort()), DISPATCH_PUBLIC_URL: `http://127.0.0.1:${port}` });
    const registry = await createDeviceRegistry({ file: config.paths.devices });
    const { token } = await registry.register('Test phone');
    await registry.flush();
    gateway = await startGateway({ config, client: stack.client, desktopId: stack.desktopId, logger: createLogger('test-gateway', () => {}), version: 'test', keepAwake: () => ({ mode: 'test', active: false }) });
    phone = await launchPhone({ timezoneId: ZONE, locale: 'en-GB' });
    await phone.context.addInitScript((saved) => localStorage.setItem('opendispatch.token', saved), token);
    page = await phone.context.newPage();
  });

  afterEach(async () => {
    // Each test starts with no schedules: the ones it made are deleted, and the listing agrees.
    for (const { id } of await listSchedules(stack.client)) if (await scheduleExists(stack.client, id)) await changeSchedule(stack.client, id, 'delete');
    await eventually(() => listSchedules(stack.client), (all) => all.length === 0);
  });

  /** A weekday schedule at 9:00 in the phone's zone, made on the desktop (the first test makes one on the page). */
  const weekdaySchedule = async () =>
    (await createSchedule(stack.client, config, { prompt: 'water the plants report', desktopId: stack.desktopId, timing: { cron: '0 9 * * 1-5', timezone: ZONE } })).id;
  /** Opens the schedules page once it lists a card for each of `prompts` (Temporal's listing catches up within a moment). */
  const openSchedules = async (...prompts: string[]) => {
    await expect
      .poll(
        async () => {
          await page.goto(`${gateway.publicUrl}/?view=schedules`);
          const shown = await Promise.all(prompts.map((prompt) => card(prompt).waitFor({ timeout: 5_000 }).then(() => true, () => false)));
          return shown.every(Boolean);
        },
        { timeout: 30_000 },
      )
      .toBe(true);
  };

  afterAll(async () => {
    await phone?.close();
    await gateway?.close();
    await stack?.stop();
  });

  it('"Later…" takes the typed prompt to a new schedule; a weekday one is listed with its next run on the phone\'s clock', async () => {
    await page.goto(gateway.publicUrl);
    await page.getByLabel('What should your desktop do?').fill('water the plants report');
    await expect.poll(() => page.getByRole('link', { name: /Schedules/ }).isVisible(), { timeout: 10_000 }).toBe(true);
    await snap('schedules-0-home');
    await page.getByRole('button', { name: 'Later…' }).tap();
    await expect.poll(() => page.getByRole('heading', { name: 'New schedule' }).isVisible(), { timeout: 10_000 }).toBe(true);
    expect(page.url()).toBe(`${gateway.publicUrl}/?view=schedules`);
    expect(await page.getByLabel('What should your desktop do?').inputValue()).toBe('water the plants report');
    await page.getByRole('radio', { name: 'Weekdays' }).tap();
    await page.getByLabel('Time').fill('09:00');
    await expect.poll(() => page.getByText('Weekdays at 09:00').first().isVisible()).toBe(true);
    await snap('schedules-1-later-form');
    await page.getByRole('button', { name: 'Schedule it' }).tap();

    const weekdays = card('water the plants report');
    await expect.poll(() => weekdays.getByText('Weekdays at 09:00').isVisible(), { timeout: 10_000 }).toBe(true);
    const made = await madeFor('water the plants report');
    expect(made).toMatchObject({ cron: '0 9 * * 1-5', timezone: ZONE, desktopId: stack.desktopId, paused: false });
    // The next run Temporal computed is a weekday at 9:00 in Tokyo, and that very instant is what the card shows.
    expect(inZone(new Date(made.nextRunAt!), { weekday: 'short', hour: '2-digit', minute: '2-digit' })).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 09:00$/);
    await expect.poll(() => weekdays.locator('.schedule__next time').getAttribute('datetime'), { timeout: 10_000 }).toBe(made.nextRunAt);
    expect(await weekdays.locator('.schedule__next').textContent()).toMatch(/^Next run: (Today|Tomorrow|\w{3} \d{1,2} \w{3}), 09:00$/);
    await snap('schedules-2-list');
  });

  it('shows the desktop\'s refusal of a custom cron, naming the field, then makes a one-off schedule with the date and time pickers', async () => {
    await page.goto(`${gateway.publicUrl}/?view=schedules`);
    await page.getByRole('button', { name: 'New schedule' }).tap();
    await page.getByLabel('What should your desktop do?').fill('send the quarterly numbers');
    await page.getByRole('radio', { name: 'Custom' }).tap();
    await page.getByLabel('Cron').fill('0 25 * * *');
    await page.getByRole('button', { name: 'Schedule it' }).tap();
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'cron: hour: "25" is not within 0-23' }).isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.getByLabel('Cron').getAttribute('aria-invalid')).toBe('true');
    await snap('schedules-1b-custom-refused');
    await page.getByRole('radio', { name: 'Once' }).tap();
    const tomorrow = inZone(new Date(Date.now() + 86_400_000), { year: 'numeric', month: '2-digit', day: '2-digit' }).split('/').reverse().join('-');
    await page.getByLabel('Date').fill(tomorrow);
    await page.getByLabel('Time').fill('07:30');
    await page.getByRole('button', { name: 'Schedule it' }).tap();
    const once = card('send the quarterly numbers');
    await expect.poll(() => once.getByText('Next run: Tomorrow, 07:30').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await once.locator('.schedule__repeat').innerText()).toBe('Once');
    expect((await madeFor('send the quarterly numbers')).at).toBe(new Date(`${tomorrow}T07:30:00+09:00`).toISOString());
  });

  it('pauses a schedule from the page, and Temporal\'s own CLI sees it paused', async () => {
    const weekdaysId = await weekdaySchedule();
    await openSchedules('water the plants report');
    const weekdays = card('water the plants report');
    await weekdays.getByRole('button', { name: 'Pause' }).tap();
    await expect.poll(() => weekdays.getByText("It won't run until you resume it.").isVisible(), { timeout: 10_000 }).toBe(true);
    expect((await getSchedule(stack.client, weekdaysId)).paused).toBe(true);
    await expect.poll(async () => (await temporalScheduleList(stack)).find((entry) => entry.scheduleId === weekdaysId)?.info?.paused, { timeout: 20_000 }).toBe(true);
    // A reload shows what the gateway lists, not just what the page remembers.
    await page.reload();
    await expect.poll(() => card('water the plants report').getByRole('button', { name: 'Resume' }).isVisible(), { timeout: 10_000 }).toBe(true);
    await snap('schedules-3-paused');
    await page.emulateMedia({ colorScheme: 'dark' });
    await snap('schedules-4-paused-dark');
    await page.getByRole('button', { name: 'New schedule' }).tap();
    await page.getByRole('radio', { name: 'Weekly' }).tap();
    await snap('schedules-5-form-dark');
    await page.getByRole('button', { name: 'Cancel' }).tap();
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('runs a schedule now: its run is listed with its status and opens the task', async () => {
    const weekdaysId = await weekdaySchedule();
    await openSchedules('water the plants report');
    stack.model.enqueue(endTurn('Plants report sent.'));
    const weekdays = card('water the plants report');
    await weekdays.getByRole('button', { name: 'Run now' }).tap();
    const runLink = weekdays.locator('.schedule__run').first();
    await expect.poll(() => runLink.innerText(), { timeout: 30_000 }).toMatch(/Succeeded/);
    await snap('schedules-6-ran');
    await runLink.tap();
    await expect.poll(() => page.url(), { timeout: 10_000 }).toContain(`?task=task-${weekdaysId}-`);
    await expect.poll(() => page.getByText('Plants report sent.').first().isVisible(), { timeout: 15_000 }).toBe(true);
    await page.goBack();
    await expect.poll(() => page.getByRole('heading', { name: 'Schedules', level: 1 }).isVisible(), { timeout: 10_000 }).toBe(true);
  });

  it('deletes a schedule after asking, and it is gone from the page and from Temporal', async () => {
    const weekdaysId = await weekdaySchedule();
    await createSchedule(stack.client, config, { prompt: 'send the quarterly numbers', desktopId: stack.desktopId, timing: { at: new Date(Date.now() + 86_400_000) } });
    await openSchedules('water the plants report', 'send the quarterly numbers');
    for (const prompt of ['water the plants report', 'send the quarterly numbers']) {
      await card(prompt).getByRole('button', { name: 'Delete' }).tap();
      await expect.poll(() => card(prompt).getByText('Delete this schedule? The tasks it already ran stay.').isVisible()).toBe(true);
      if (prompt === 'water the plants report') await snap('schedules-7-confirm-delete');
      await card(prompt).getByRole('button', { name: 'Yes, delete' }).tap();
      await expect.poll(() => card(prompt).count(), { timeout: 10_000 }).toBe(0);
    }
    await expect.poll(async () => (await temporalScheduleList(stack)).some((entry) => entry.scheduleId === weekdaysId), { timeout: 20_000 }).toBe(false);
    await page.reload();
    await expect.poll(() => page.getByText('Nothing scheduled yet.').isVisible(), { timeout: 10_000 }).toBe(true);
    await snap('schedules-8-empty');
  });
});
