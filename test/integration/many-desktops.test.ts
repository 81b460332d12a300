import { mkdir, mkdtemp, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desktopListSchema, taskDetailSchema, type Desktop } from '../../common/api-schemas.js';
import { loadConfig } from '../../common/config.js';
import { createLogger } from '../../common/logger.js';
import { startGateway, type RunningGateway } from '../../gateway/gateway.js';
import { eventually } from '../helpers/async.js';
import { startDesktopStack, type DesktopStack, type WorkerProcess } from '../helpers/desktop-stack.js';
import { endTurn, imagesIn, toolsetCall, toolsetReply } from '../helpers/fake-messages-api.js';
import { freePort } from '../helpers/temporal-server.js';
import { launchApp, startXDisplay, waitForWindow, windowCentre, type XDisplay } from '../helpers/x-display.js';

/**
 * Two desktops on one Temporal dev server, each with its own X display, data folder and worker
 * process, as a laptop and a desktop PC would be. The phone is paired with the first one's
 * gateway only, and reaches the second through it.
 */
describe('many desktops, one phone', () => {
  let stack: DesktopStack;
  let office: XDisplay;
  let officeHome: string;
  let officeWorker: WorkerProcess;
  let gateway: RunningGateway;
  let headers: Record<string, string>;
  const officeId = `office-${Math.random().toString(36).slice(2, 8)}`;
  // A size of its own, so its screenshots are told apart from the first desktop's.
  const OFFICE_SIZE = { width: 1024, height: 768 };

  const api = (route: string, init: RequestInit = {}) => fetch(`${gateway.localUrl}${route}`, { ...init, headers: { ...headers, 'content-type': 'application/json', ...init.headers } });
  const desktops = async (): Promise<Desktop[]> => desktopListSchema.parse(await (await api('/api/desktops')).json()).desktops;

  beforeAll(async () => {
    stack = await startDesktopStack({ model: 'claude-sonnet-5-5', env: { DISPATCH_DESKTOP_NAME: 'Laptop' } });
    office = await startXDisplay(OFFICE_SIZE);
    officeHome = await mkdtemp(path.join(os.tmpdir(), 'opendispatch-office-'));
    const officeRoot = path.join(officeHome, 'granted');
    await mkdir(officeRoot, { recursive: true });
    await stack.startWorker();
    officeWorker = await stack.startWorker({
      env: { DISPLAY: office.display, DISPATCH_HOME: officeHome, DISPATCH_ROOTS: officeRoot, DISPATCH_DESKTOP_ID: officeId, DISPATCH_DESKTOP_NAME: 'Office PC' },
    });

    const config = loadConfig({ ...stack.env, DISPATCH_PORT: String(await freePort()), DISPATCH_HOST: '127.0.0.1' });
    gateway = await startGateway({ config, client: stack.client, desktopId: stack.desktopId, logger: createLogger('test-gateway', () => {}), version: 'test', keepAwake: () => ({ mode: 'test', active: false }) });
    const { url } = (await (await fetch(`${gateway.setupUrl}/pair/code`, { method: 'POST' })).json()) as { url: string };
    const paired = await fetch(`${gateway.localUrl}/api/pair`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: new URL(url).hash.slice(6), name: 'train phone' }) });
    headers = { authorization: `Bearer ${((await paired.json()) as { token: string }).token}` };
  });

  afterAll(async () => {
    await gateway?.close();
    await officeWorker?.kill();
    await stack?.stop();
    await office?.stop();
  });

  it('lists both desktops by name, this one first, both online', async () => {
    const shape = (list: Desktop[]) => list.map(({ id, name, online, current }) => ({ id, name, online, current }));
    const expected = [
      { id: stack.desktopId, name: 'Laptop', online: true, current: true },
      { id: officeId, name: 'Office PC', online: true, current: undefined },
    ];
    const listed = await eventually(desktops, (list) => JSON.stringify(shape(list)) === JSON.stringify(expected), 20_000);
    expect(shape(listed)).toEqual(expected);
    expect(listed.every((desktop) => desktop.running === 0 && desktop.queued === 0)).toBe(true);
  });

  it('sends a task from this gateway to the other desktop, which types on its own display; its screenshots reach the phone', async () => {
    const file = path.join(officeHome, 'typed.txt');
    await launchApp(office.display, 'xterm', ['-geometry', '60x10+100+100', '-T', 'office-notes', '-e', 'sh', '-c', `cat > '${file}'`]);
    await waitForWindow(office.display, '^office-notes$');
    const { x, y } = await windowCentre(office.display, '^office-notes$');
    const centre = [Math.round(x), Math.round(y)];

    stack.model.enqueue(
      toolsetReply(toolsetCall('screenshot', {})),
      toolsetReply(toolsetCall('left_click', { coordinate: centre }), toolsetCall('type', { text: 'sent from the train\n' }), toolsetCall('key', { text: 'ctrl+d' })),
      endTurn('Typed it.'),
    );
    const created = await api('/api/tasks', { method: 'POST', body: JSON.stringify({ prompt: 'type a note on the office PC', desktopId: officeId }) });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    const detail = await eventually(async () => taskDetailSchema.parse(await (await api(`/api/tasks/${id}`)).json()), (task) => task.status !== 'queued' && task.status !== 'running', 60_000);
    expect(detail.status).toBe('succeeded');
    expect(detail.desktopId).toBe(officeId);
    // Typed on the office display, and nothing of it on this desktop's.
    expect(await readFile(file, 'utf8')).toBe('sent from the train\n');
    const firstScreenshot = await sharp(Buffer.from(imagesIn(stack.model.requests[1]!).at(-1)!.data, 'base64')).metadata();
    expect({ width: firstScreenshot.width, height: firstScreenshot.height }).toEqual(OFFICE_SIZE);

    // The screenshots live on the office desktop's disk only; this gateway fetches them through it.
    const url = detail.steps.find((step) => step.screenshotUrl)?.screenshotUrl;
    expect(url).toBeDefined();
    const ref = url!.split('/').at(-1)!;
    expect(await readdir(path.join(officeHome, 'blobs', ref.slice(0, 2)))).toContain(ref.slice(2));
    await expect(readdir(path.join(stack.home, 'blobs', ref.slice(0, 2)))).rejects.toThrow();

    const preview = await api(url!);
    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-type')).toBe('image/webp');
    expect((await sharp(Buffer.from(await preview.arrayBuffer())).metadata()).width).toBe(480);
    const full = await api(`${url}?size=full`);
    expect(full.status).toBe(200);
    const fullSize = await sharp(Buffer.from(await full.arrayBuffer())).metadata();
    expect({ width: fullSize.width, height: fullSize.height }).toEqual(OFFICE_SIZE);
  });

  it('refuses a task for a desktop nobody has started, naming the field and the desktops it knows', async () => {
    const refused = await api('/api/tasks', { method: 'POST', body: JSON.stringify({ prompt: 'to nowhere', desktopId: 'no-such-desktop' }) });
    expect(refused.status).toBe(422);
    const body = (await refused.json()) as { error: { field: string; message: string } };
    expect(body.error.field).toBe('desktopId');
    expect(body.error.message).toContain(officeId);
  });

  it('shows the other desktop away once its worker stops, and says why its screenshots cannot load', async () => {
    stack.model.enqueue(toolsetReply(toolsetCall('screenshot', {})), endTurn('Looked.'));
    const created = await api('/api/tasks', { method: 'POST', body: JSON.stringify({ prompt: 'look at the office screen', desktopId: officeId }) });
    const { id } = (await created.json()) as { id: string };
    const detail = await eventually(async () => taskDetailSchema.parse(await (await api(`/api/tasks/${id}`)).json()), (task) => task.status !== 'queued' && task.status !== 'running', 60_000);
    expect(detail.status).toBe('succeeded');
    const url = detail.steps.find((step) => step.screenshotUrl)!.screenshotUrl!;

    await officeWorker.stop();
    const officeListed = async () => (await desktops()).find((desktop) => desktop.id === officeId);
    expect(await eventually(officeListed, (desktop) => desktop?.online === false, 20_000)).toMatchObject({ name: 'Office PC', online: false });
    // Never fetched before, so not cached: the desktop that has it is away.
    const away = await api(url);
    expect(away.status).toBe(503);
    expect(((await away.json()) as { error: { code: string } }).error.code).toBe('desktop_away');

    // A task given to it now waits for it, and is counted as queued there.
    const waiting = await api('/api/tasks', { method: 'POST', body: JSON.stringify({ prompt: 'when you are back', desktopId: officeId }) });
    expect(await waiting.json()).toMatchObject({ status: 'waiting' });
    expect(await eventually(officeListed, (desktop) => desktop?.queued === 1, 10_000)).toMatchObject({ queued: 1, running: 0 });
  });
});
