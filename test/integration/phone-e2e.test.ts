import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jsQRModule from 'jsqr';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../common/config.js';
import { createLogger } from '../../common/logger.js';
import { startTask } from '../../common/task-starter.js';
import { startGateway, type RunningGateway } from '../../gateway/gateway.js';
import { apiError, computer, endTurn } from '../helpers/fake-messages-api.js';
import { startDesktopStack, type DesktopStack } from '../helpers/desktop-stack.js';
import { launchPhone } from '../helpers/phone-browser.js';
import { freePort } from '../helpers/temporal-server.js';
import { deferred } from '../helpers/async.js';

// jsQR is a CommonJS bundle whose types declare an ES default export; take whichever is callable.
const jsQR = ((jsQRModule as unknown as { default?: typeof jsQRModule }).default ?? jsQRModule) as unknown as (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/phone/', import.meta.url));

describe('a phone pairs by QR code, dispatches tasks, follows them, cancels and retries', () => {
  let stack: DesktopStack;
  let gateway: RunningGateway;
  let config: ReturnType<typeof loadConfig>;
  let phone: Awaited<ReturnType<typeof launchPhone>>;
  let page: Page;
  const snap = async (name: string, on: Page = page) => on.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    stack = await startDesktopStack();
    await stack.startWorker();
    const port = await freePort();
    config = loadConfig({ ...stack.env, DISPATCH_PORT: String(port), DISPATCH_HOST: '127.0.0.1', DISPATCH_PUBLIC_URL: `http://127.0.0.1:${port}` });
    gateway = await startGateway({ config, client: stack.client, desktopId: stack.desktopId, logger: createLogger('test-gateway', () => {}), version: 'test', keepAwake: () => ({ mode: 'test', active: false }) });
    // The phone most tests use is paired here, through the gateway as a phone pairs; the first
    // test pairs a phone of its own by the QR code.
    const { url } = (await (await fetch(`${gateway.setupUrl}/pair/code`, { method: 'POST' })).json()) as { url: string };
    const paired = await fetch(`${gateway.localUrl}/api/pair`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: new URL(url).hash.replace('#pair=', ''), name: 'Test phone' }) });
    const { token } = (await paired.json()) as { token: string };
    phone = await launchPhone();
    await phone.context.addInitScript((saved) => localStorage.setItem('opendispatch.token', saved), token);
    page = await phone.context.newPage();
  });

  afterAll(async () => {
    await phone?.close();
    await gateway?.close();
    await stack?.stop();
  });

  it('pairs by scanning the QR code the desktop shows', async () => {
    const png = Buffer.from(await (await fetch(`${gateway.setupUrl}/pair/qr.png`)).arrayBuffer());
    const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const decoded = jsQR(new Uint8ClampedArray(data), info.width, info.height);
    expect(decoded?.data).toMatch(new RegExp(`^${gateway.publicUrl}/#pair=[A-Za-z0-9_-]{22,}$`));

    const unpaired = await launchPhone();
    try {
      const scanned = await unpaired.context.newPage();
      await scanned.goto(decoded!.data);
      await scanned.getByLabel('Name for this phone').fill('Scanning phone');
      await snap('1-pair', scanned);
      await scanned.getByRole('button', { name: 'Pair this phone' }).tap();
      await expect.poll(() => scanned.getByLabel('What should your desktop do?').first().isVisible(), { timeout: 15_000 }).toBe(true);
      expect(scanned.url()).not.toContain('#pair=');
      await expect.poll(() => scanned.getByText('Desktop online').first().isVisible(), { timeout: 15_000 }).toBe(true);
      await snap('2-home', scanned);
    } finally {
      await unpaired.close();
    }
  });

  it('dispatches a task from the page and shows its steps live, then its result', async () => {
    const moved = deferred();
    await page.goto(gateway.publicUrl);
    stack.model.enqueue(computer({ action: 'mouse_move', coordinate: [120, 80] }), { ...endTurn('Moved the pointer to the top left.'), after: moved.promise });
    await page.getByLabel('What should your desktop do?').fill('move the pointer to the top left');
    await page.getByRole('button', { name: 'Dispatch' }).tap();
    await expect.poll(() => page.getByText('mouse move at (120, 80)').first().isVisible(), { timeout: 20_000 }).toBe(true);
    await snap('3-task-running');
    moved.resolve();
    await expect.poll(() => page.getByText('Moved the pointer to the top left.').first().isVisible(), { timeout: 20_000 }).toBe(true);
    await page.getByRole('button', { name: /Show screenshot of/ }).first().tap();
    await expect.poll(() => page.locator('img[src^="blob:"]').count(), { timeout: 10_000 }).toBe(1);
    await snap('4-task-succeeded');
  });

  it('dispatches a task with the model picked on the page, and the task shows it', async () => {
    await page.goto(gateway.publicUrl);
    const picker = page.getByLabel('Model');
    await expect.poll(() => picker.inputValue(), { timeout: 15_000 }).toBe(config.model);
    await picker.selectOption({ label: 'Claude Opus 4.7' });
    stack.model.enqueue(endTurn('Answered by Opus.'));
    const asked = stack.model.requests.length;
    await page.getByLabel('What should your desktop do?').fill('answer with another model');
    await page.getByRole('button', { name: 'Dispatch' }).tap();
    await expect.poll(() => page.getByText('Answered by Opus.').first().isVisible(), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => page.getByText('model claude-opus-4-7').first().isVisible(), { timeout: 10_000 }).toBe(true);
    expect(stack.model.requests.slice(asked).map((request) => request.body.model)).toEqual(['claude-opus-4-7']);
    await snap('4b-task-picked-model');
  });

  it('cancels a running task from the page', async () => {
    const thinking = deferred();
    stack.model.enqueue({ ...computer({ action: 'mouse_move', coordinate: [5, 5] }), after: thinking.promise });
    await page.goto(gateway.publicUrl);
    await page.getByLabel('What should your desktop do?').fill('a task I will cancel');
    await page.getByRole('button', { name: 'Dispatch' }).tap();
    await expect.poll(() => page.getByRole('button', { name: 'Cancel task' }).isVisible(), { timeout: 20_000 }).toBe(true);
    await page.getByRole('button', { name: 'Cancel task' }).tap();
    await page.getByRole('button', { name: 'Yes, cancel it' }).tap();
    await expect.poll(() => page.getByText(/Cancelled/).first().isVisible(), { timeout: 20_000 }).toBe(true);
    thinking.resolve();
    await snap('5-task-cancelled');
  });

  it('retries a failed task from the page, and the retry succeeds', async () => {
    stack.model.drain();
    stack.model.enqueue(apiError(401, 'authentication_error', 'invalid x-api-key'), endTurn('Worked on the second try.'));
    await page.goto(gateway.publicUrl);
    await page.getByLabel('What should your desktop do?').fill('a task that fails first');
    await page.getByRole('button', { name: 'Dispatch' }).tap();
    await expect.poll(() => page.getByText(/The API key was refused/).first().isVisible(), { timeout: 20_000 }).toBe(true);
    await snap('6-task-failed');
    await page.getByRole('button', { name: 'Retry task' }).tap();
    await expect.poll(() => page.getByText('Worked on the second try.').first().isVisible(), { timeout: 20_000 }).toBe(true);
    await snap('7-retry-succeeded');
  });

  it('reconnects by itself after the connection drops, and catches up on what happened meanwhile', async () => {
    await page.goto(gateway.publicUrl);
    await expect.poll(() => page.locator('.connection--live').first().isVisible(), { timeout: 15_000 }).toBe(true);
    await gateway.close();
    await expect.poll(() => page.locator('.connection--live').first().isVisible(), { timeout: 15_000 }).toBe(false);

    stack.model.drain();
    stack.model.enqueue(endTurn('Finished while the phone was away.'));
    const taskId = await startTask(stack.client, config, { prompt: 'done while the phone was disconnected', desktopId: stack.desktopId });
    await stack.client.workflow.getHandle(taskId).result();

    gateway = await startGateway({ config, client: stack.client, desktopId: stack.desktopId, logger: createLogger('test-gateway', () => {}), version: 'test', keepAwake: () => ({ mode: 'test', active: false }) });
    await expect.poll(() => page.locator('.connection--live').first().isVisible(), { timeout: 45_000 }).toBe(true);
    await expect.poll(() => page.locator('.task-list').getByText('done while the phone was disconnected').first().isVisible(), { timeout: 15_000 }).toBe(true);
    await snap('8-caught-up');
  });
});
