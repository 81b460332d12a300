import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CDPSession, Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../common/config.js';
import { createLogger } from '../../common/logger.js';
import { startTask } from '../../common/task-starter.js';
import { createDeviceRegistry } from '../../gateway/device-registry.js';
import { startGateway, type RunningGateway } from '../../gateway/gateway.js';
import { computer, endTurn, toolUseReply } from '../helpers/fake-messages-api.js';
import { startDesktopStack, type DesktopStack } from '../helpers/desktop-stack.js';
import { launchPhone } from '../helpers/phone-browser.js';
import { freePort } from '../helpers/temporal-server.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/phone/', import.meta.url));

/** What the service worker's global scope offers these tests (Node's types have no WebWorker lib). */
interface ShownNotification {
  title: string;
  body: string;
  tag: string;
  data: unknown;
}
interface WorkerScope {
  registration: { getNotifications(): Promise<ShownNotification[]> };
  dispatchEvent(event: unknown): boolean;
}
declare const NotificationEvent: new (type: 'notificationclick', init: { notification: ShownNotification }) => unknown;

describe('the phone: notifications, question and approval cards, follow-ups', () => {
  let stack: DesktopStack;
  let gateway: RunningGateway;
  let config: ReturnType<typeof loadConfig>;
  let phone: Awaited<ReturnType<typeof launchPhone>>;
  let page: Page;
  let cdp: CDPSession;
  let worker: Worker;
  let registrationId: string | undefined;
  const snap = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  const visible = (text: string | RegExp, timeout = 20_000) => expect.poll(() => page.getByText(text).first().isVisible(), { timeout }).toBe(true);
  const notifications = () =>
    worker.evaluate(async () =>
      (await (self as unknown as WorkerScope).registration.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data })),
    );
  /** The push service's part: hand the service worker a push, as Chromium does when one arrives. */
  const deliverPush = (payload: object) => cdp.send('ServiceWorker.deliverPushMessage', { origin: gateway.publicUrl, registrationId: registrationId!, data: JSON.stringify(payload) });
  /**
   * Opens the app at `url` and returns once its service worker runs and Chromium has said which
   * registration it is, so pushes can be handed to it.
   */
  const openApp = async (url = gateway.publicUrl): Promise<void> => {
    const appeared = phone.context.serviceWorkers().length === 0 ? phone.context.waitForEvent('serviceworker') : undefined;
    await page.goto(url);
    worker = phone.context.serviceWorkers()[0] ?? (await appeared!);
    await expect.poll(() => registrationId, { timeout: 10_000 }).toBeDefined();
  };
  /** The person's part: tap the task's notification. */
  const tapNotification = (taskId: string) =>
    worker.evaluate(async (id) => {
      const scope = self as unknown as WorkerScope;
      const notification = (await scope.registration.getNotifications()).find((n) => (n.data as { taskId?: string }).taskId === id)!;
      scope.dispatchEvent(new NotificationEvent('notificationclick', { notification }));
    }, taskId);

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    stack = await startDesktopStack();
    await stack.startWorker();
    const port = await freePort();
    config = loadConfig({ ...stack.env, DISPATCH_PORT: String(port), DISPATCH_HOST: '127.0.0.1', DISPATCH_SETUP_PORT: String(await freePort()), DISPATCH_PUBLIC_URL: `http://127.0.0.1:${port}`, DISPATCH_APPROVE: 'mouse_move' });
    const registry = await createDeviceRegistry({ file: config.paths.devices });
    const { token } = await registry.register('Test phone');
    await registry.flush();
    gateway = await startGateway({ config, client: stack.client, desktopId: stack.desktopId, logger: createLogger('test-gateway', () => {}), version: 'test', keepAwake: () => ({ mode: 'test', active: false }) });
    phone = await launchPhone();
    await phone.context.addInitScript((saved) => localStorage.setItem('opendispatch.token', saved), token);
    page = await phone.context.newPage();
    cdp = await phone.context.newCDPSession(page);
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      registrationId = registrations.find((registration) => !registration.isDeleted && registration.scopeURL.startsWith(gateway.publicUrl))?.registrationId ?? registrationId;
    });
    await cdp.send('ServiceWorker.enable');
  });

  afterAll(async () => {
    await phone?.close();
    await gateway?.close();
    await stack?.stop();
  });

  it('asks for notification permission only when "Notify me" is tapped, and says iPhones need the Home Screen first', async () => {
    await phone.context.clearPermissions();
    await openApp();
    await visible('Notify me');
    await visible(/Add to Home Screen/);
    expect(await page.evaluate(() => Notification.permission)).toBe('default');
    await snap('10-notify-me');
  });

  it('shows a pushed question as a notification; tapping it opens the task, where one tap answers', async () => {
    await phone.context.grantPermissions(['notifications'], { origin: gateway.publicUrl });
    stack.model.enqueue(toolUseReply({ name: 'ask_user', input: { question: 'Which month should I file?', options: ['March', 'April'] } }), endTurn('Filed April.'));
    const taskId = await startTask(stack.client, config, { prompt: 'file the invoices', desktopId: stack.desktopId });
    await expect.poll(async () => (await stack.client.workflow.getHandle(taskId).describe()).memo?.progress, { timeout: 20_000 }).toMatchObject({ phase: 'needs_input' });

    await openApp();
    await expect.poll(() => page.locator('.task-list').getByText('Needs your answer').first().isVisible(), { timeout: 15_000 }).toBe(true);
    await snap('10b-list-needs-you');
    await deliverPush({ taskId, status: 'needs_input', title: 'Your task has a question', body: 'file the invoices', url: `/?task=${taskId}` });
    await expect.poll(notifications, { timeout: 10_000 }).toEqual([{ title: 'Your task has a question', body: 'file the invoices', tag: `task-${taskId}`, data: { url: `/?task=${taskId}`, taskId } }]);

    await tapNotification(taskId);
    await expect.poll(() => page.url(), { timeout: 10_000 }).toBe(`${gateway.publicUrl}/?task=${taskId}`);
    await visible('Which month should I file?');
    await expect.poll(() => notifications()).toEqual([]);
    await snap('11-question-card');
    await page.getByRole('button', { name: 'April', exact: true }).tap();
    await visible('Filed April.');
    await snap('12-question-answered');
  });

  it('shows an action waiting for approval with its whole input, and Approve runs it', async () => {
    stack.model.enqueue(computer({ action: 'mouse_move', coordinate: [321, 123] }), endTurn('Moved it.'));
    const taskId = await startTask(stack.client, config, { prompt: 'move the pointer', desktopId: stack.desktopId });
    await page.goto(`${gateway.publicUrl}/?task=${taskId}`);
    await visible('Approve this action?');
    await visible('Needs your approval');
    const input = await page.getByLabel('Exactly what will run').textContent();
    expect(JSON.parse(input ?? '')).toEqual({ action: 'mouse_move', coordinate: [321, 123] });
    await snap('13-approval-card');
    await page.getByRole('button', { name: 'Approve', exact: true }).tap();
    await visible('Moved it.');
  });

  it('follows up on a finished task from its page, and the same task carries on', async () => {
    stack.model.enqueue(endTurn('The report is in Documents.'));
    const taskId = await startTask(stack.client, config, { prompt: 'where is the report?', desktopId: stack.desktopId });
    await stack.client.workflow.getHandle(taskId).result();
    await page.goto(`${gateway.publicUrl}/?task=${taskId}`);
    await visible('The report is in Documents.');
    stack.model.enqueue(endTurn('Sent it to Ana.'));
    await page.getByLabel('Follow up on this task').fill('Now email it to Ana');
    await page.getByRole('button', { name: 'Send follow-up' }).tap();
    await visible('Sent it to Ana.');
    expect(page.url()).toBe(`${gateway.publicUrl}/?task=${taskId}`);
    await snap('14-follow-up');
  });

  it('asks before cancelling, and keeps the task when the person changes their mind', async () => {
    stack.model.enqueue(toolUseReply({ name: 'ask_user', input: { question: 'Shall I go on?' } }));
    const taskId = await startTask(stack.client, config, { prompt: 'a task to cancel', desktopId: stack.desktopId });
    await page.goto(`${gateway.publicUrl}/?task=${taskId}`);
    await visible('Shall I go on?');
    await page.getByRole('button', { name: 'Cancel task' }).tap();
    await visible(/Cancel this task\?/);
    await page.getByRole('button', { name: 'Keep it' }).tap();
    expect((await stack.client.workflow.getHandle(taskId).describe()).status.name).toBe('RUNNING');
    await page.getByRole('button', { name: 'Cancel task' }).tap();
    await page.getByRole('button', { name: 'Yes, cancel it' }).tap();
    await visible('Cancelled');
  });
});
