import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskResult } from '../../common/contract.js';
import { loadConfig } from '../../common/config.js';
import { createLogger } from '../../common/logger.js';
import { startTask } from '../../common/task-starter.js';
import { createDeviceRegistry } from '../../gateway/device-registry.js';
import { startGateway, type RunningGateway } from '../../gateway/gateway.js';
import { deferred } from '../helpers/async.js';
import { computer, endTurn, imagesIn, toolUseReply, type RecordedRequest } from '../helpers/fake-messages-api.js';
import { startDesktopStack, type DesktopStack } from '../helpers/desktop-stack.js';
import { launchPhone } from '../helpers/phone-browser.js';
import { freePort } from '../helpers/temporal-server.js';
import { launchApp, waitForWindow, windowCentre } from '../helpers/x-display.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/phone/', import.meta.url));
const THOUGHT = 'The notes window is open in the middle of the screen, so I will click into it first.';
const SAID = 'Then I type the two expense lines.';
const TYPED = 'Expenses, March:\n  lunch    12.50\n  taxi     31.00';

describe('the task page on a phone shows what the agent thought, typed and clicked', () => {
  let stack: DesktopStack;
  let gateway: RunningGateway;
  let phone: Awaited<ReturnType<typeof launchPhone>>;
  let page: Page;
  const snap = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  const visible = (text: string | RegExp, timeout = 20_000) => expect.poll(() => page.getByText(text).first().isVisible(), { timeout }).toBe(true);

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    // A 1920x1080 screen: the model sees it scaled down, so screen pixels and the model's differ.
    stack = await startDesktopStack({ width: 1920, height: 1080 });
    await stack.startWorker();
    launchApp(stack.display, 'xterm', ['-geometry', '90x24+520+300', '-T', 'expense-notes', '-e', 'sh', '-c', `echo 'Write the expenses below:'; cat > /dev/null`]);
    await waitForWindow(stack.display, '^expense-notes$');
    const port = await freePort();
    const config = loadConfig({ ...stack.env, DISPATCH_PORT: String(port), DISPATCH_HOST: '127.0.0.1', DISPATCH_PUBLIC_URL: `http://127.0.0.1:${port}` });
    const registry = await createDeviceRegistry({ file: config.paths.devices });
    const { token } = await registry.register('Test phone');
    await registry.flush();
    gateway = await startGateway({ config, client: stack.client, desktopId: stack.desktopId, logger: createLogger('test-gateway', () => {}), version: 'test', keepAwake: () => ({ mode: 'test', active: false }) });
    phone = await launchPhone();
    await phone.context.addInitScript((saved) => localStorage.setItem('opendispatch.token', saved), token);
    page = await phone.context.newPage();
  });

  afterAll(async () => {
    await phone?.close();
    await gateway?.close();
    await stack?.stop();
  });

  /**
   * Runs the expense task: the model clicks the notes window's centre, in the coordinates of the
   * scaled image it saw, types, and moves away. With `whileThinking` the phone follows the task on
   * its page from the start, and `whileThinking` sees the page while the model still thinks about
   * its last turn; without, the phone opens the page once the task is done. Returns the result,
   * where the click was as a fraction of the screenshot the model saw, and that screenshot's width.
   */
  async function expenseTask(whileThinking?: () => Promise<void>) {
    let clicked = { x: 0, y: 0 };
    let modelImageWidth = 0;
    const centre = await windowCentre(stack.display, '^expense-notes$');
    const thinking = deferred();
    stack.model.enqueue(async (request: RecordedRequest) => {
      const { width, height } = await sharp(Buffer.from(imagesIn(request).at(-1)!.data, 'base64')).metadata();
      modelImageWidth = width!;
      const at = [Math.floor((centre.x * width!) / 1920), Math.floor((centre.y * height!) / 1080)];
      clicked = { x: (at[0]! + 0.5) / width!, y: (at[1]! + 0.5) / height! };
      const turn = toolUseReply(
        { name: 'computer', input: { action: 'left_click', coordinate: at } },
        { name: 'computer', input: { action: 'type', text: TYPED } },
        { name: 'computer', input: { action: 'mouse_move', coordinate: [Math.floor(width! * 0.9), Math.floor(height! * 0.9)] } },
      );
      (turn.body as { content: unknown[] }).content.unshift({ type: 'thinking', thinking: THOUGHT, signature: 'c2lnbmF0dXJl' }, { type: 'text', text: SAID });
      return turn;
    }, { ...endTurn('Typed both expenses into the notes window.'), after: thinking.promise });
    const taskId = await startTask(stack.client, stack.config, { prompt: 'Write my March expenses into the notes window', desktopId: stack.desktopId });
    if (whileThinking) {
      await page.goto(`${gateway.publicUrl}/?task=${taskId}`);
      await whileThinking();
    }
    thinking.resolve();
    const result: TaskResult = await stack.client.workflow.getHandle(taskId).result();
    if (!whileThinking) await page.goto(`${gateway.publicUrl}/?task=${taskId}`);
    await visible('Typed both expenses into the notes window.');
    return { result, clicked, modelImageWidth };
  }

  it('puts the result above the steps, counts steps as the CLI does, and shows the narration and the typed text', async () => {
    const { result } = await expenseTask(async () => {
      await visible(SAID);
      await snap('20-task-view-running');
    });
    const outcome = await page.locator('.outcome').boundingBox();
    const steps = await page.locator('.timeline').boundingBox();
    expect(outcome!.y + outcome!.height).toBeLessThan(steps!.y);
    expect(result.steps).toBe(2);
    await visible(`Steps (${result.steps})`);
    await visible(new RegExp(`^${result.steps} steps in `));
    await visible(THOUGHT);
    expect(await page.locator('.step__typed').textContent()).toBe(TYPED);
    // With one desktop the page does not say which desktop the task ran on.
    expect(await page.locator('.eyebrow').textContent()).not.toContain(stack.desktopId);
    await snap('21-task-view-finished');
  });

  it('marks the click on the screenshot where the model clicked, and opens the full-size image on tap', async () => {
    const { clicked, modelImageWidth } = await expenseTask();
    await page.getByRole('button', { name: 'Show screenshot of step 1' }).tap();
    const preview = page.locator('.shot__image');
    await expect.poll(() => preview.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth), { timeout: 10_000 }).toBe(480);
    const image = (await preview.boundingBox())!;
    expect(await page.locator('.shot .mark').count()).toBe(2);
    const mark = (await page.locator('.shot .mark[data-action="1"]').boundingBox())!;
    expect(Math.abs((mark.x + mark.width / 2 - image.x) / image.width - clicked.x)).toBeLessThan(0.01);
    expect(Math.abs((mark.y + mark.height / 2 - image.y) / image.height - clicked.y)).toBeLessThan(0.01);
    await page.evaluate(() => window.scrollTo(0, 0));
    await snap('22-task-view-screenshot');

    await page.getByRole('button', { name: 'Open the screenshot of step 1 full size' }).tap();
    const full = page.locator('dialog.zoom img[data-full]');
    await expect.poll(() => full.evaluate((element: HTMLImageElement) => element.complete && element.naturalWidth).catch(() => 0), { timeout: 10_000 }).toBe(modelImageWidth);
    expect(modelImageWidth).toBeGreaterThan(480);
    await page.screenshot({ path: path.join(ARTIFACTS, '23-task-view-full-size.png') });

    // Two fingers spreading apart zoom in.
    const cdp = await phone.context.newCDPSession(page);
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', spread: number) =>
      cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x: 195 - spread, y: 400, id: 1 }, { x: 195 + spread, y: 400, id: 2 }] });
    await touch('touchStart', 40);
    for (const spread of [60, 80, 100, 120]) await touch('touchMove', spread);
    await touch('touchEnd', 0);
    const scale = await page.locator('.zoom__layer').evaluate((layer) => new DOMMatrix(getComputedStyle(layer).transform).a);
    expect(scale).toBeGreaterThan(2.5);
    await page.screenshot({ path: path.join(ARTIFACTS, '24-task-view-zoomed.png') });
    await page.getByRole('button', { name: 'Close' }).tap();
    await expect.poll(() => page.locator('dialog.zoom').count()).toBe(0);
  });

  it('shows one connection indicator, which says when this phone is offline', async () => {
    stack.model.enqueue(endTurn('Nothing to do.'));
    const taskId = await startTask(stack.client, stack.config, { prompt: 'Look at the screen', desktopId: stack.desktopId });
    await stack.client.workflow.getHandle(taskId).result();
    await page.goto(`${gateway.publicUrl}/?task=${taskId}`);
    const indicator = page.locator('.connection-indicator');
    await expect.poll(() => indicator.count()).toBe(1);
    await expect.poll(() => indicator.textContent()).toBe('Desktop online');
    await phone.context.setOffline(true);
    await expect.poll(() => indicator.textContent(), { timeout: 10_000 }).toMatch(/^This phone is offline/);
    expect(await indicator.count()).toBe(1);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(ARTIFACTS, '25-task-view-phone-offline.png') });
    await phone.context.setOffline(false);
    await expect.poll(() => indicator.textContent(), { timeout: 45_000 }).toBe('Desktop online');
  });

  it('names the task that holds the screen, and says who cancelled a task and when', async () => {
    const holding = deferred();
    const before = stack.model.requests.length;
    stack.model.enqueue({ ...endTurn('Held the screen for a while.'), after: holding.promise });
    const holder = await startTask(stack.client, stack.config, { prompt: 'Hold the screen for a while', desktopId: stack.desktopId });
    await stack.model.waitForRequest(before + 1);
    stack.model.enqueue(computer({ action: 'mouse_move', coordinate: [10, 10] }), endTurn('Moved once the screen was free.'));
    const waiter = await startTask(stack.client, stack.config, { prompt: 'Move the pointer', desktopId: stack.desktopId });
    await page.goto(`${gateway.publicUrl}/?task=${waiter}`);
    await visible(/^Waiting for the screen/);
    await visible('“Hold the screen for a while”');
    await visible(/^Steps \(/);
    await snap('26-task-view-waiting-for-screen');
    holding.resolve();
    await stack.client.workflow.getHandle(holder).result();
    await stack.client.workflow.getHandle(waiter).result();

    const stopping = deferred();
    stack.model.enqueue({ ...endTurn('Never seen.'), after: stopping.promise });
    const cancelled = await startTask(stack.client, stack.config, { prompt: 'A task I cancel', desktopId: stack.desktopId });
    await page.goto(`${gateway.publicUrl}/?task=${cancelled}`);
    await page.getByRole('button', { name: 'Cancel task' }).tap();
    await page.getByRole('button', { name: 'Yes, cancel it' }).tap();
    await visible(/^Cancelled by you at \d/);
    stopping.resolve();
    await snap('27-task-view-cancelled');
  });
});
