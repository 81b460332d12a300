import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createdTaskSchema, desktopListSchema, taskDetailSchema, taskListSchema, type ServerMessage, type TaskDetail } from '../../common/api-schemas.js';
import { createLogger } from '../../common/logger.js';
import { startGateway, type RunningGateway } from '../../gateway/gateway.js';
import { operations } from '../../gateway/openapi.js';
import { computer, endTurn } from '../helpers/fake-messages-api.js';
import { startDesktopStack, type DesktopStack } from '../helpers/desktop-stack.js';
import { freePort } from '../helpers/temporal-server.js';
import { loadConfig } from '../../common/config.js';
import { deferred, eventually } from '../helpers/async.js';

describe('the gateway API over a real desktop stack', () => {
  let stack: DesktopStack;
  let gateway: RunningGateway;
  let base: string;
  let token: string;
  const api = (path: string, init: RequestInit = {}, withToken = true) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { ...(init.body ? { 'content-type': 'application/json' } : {}), ...(withToken ? { authorization: `Bearer ${token}` } : {}), ...init.headers },
    });
  const taskDetail = async (id: string) => taskDetailSchema.parse(await (await api(`/api/tasks/${id}`)).json());

  beforeAll(async () => {
    stack = await startDesktopStack();
    const port = await freePort();
    const config = loadConfig({ ...stack.env, DISPATCH_PORT: String(port), DISPATCH_HOST: '127.0.0.1', DISPATCH_PUBLIC_URL: `http://127.0.0.1:${port}` });
    gateway = await startGateway({
      config,
      client: stack.client,
      desktopId: stack.desktopId,
      logger: createLogger('test-gateway', () => {}),
      version: 'test',
      keepAwake: () => ({ mode: 'test', active: false }),
    });
    base = gateway.localUrl;
  });

  afterAll(async () => {
    await gateway?.close();
    await stack?.stop();
  });

  it('pairs a phone with a code from the desktop, and the token opens the API', async () => {
    const issued = await fetch(`${base}/pair/code`, { method: 'POST' });
    expect(issued.status).toBe(201);
    const { url } = (await issued.json()) as { url: string };
    const code = new URL(url).hash.replace('#pair=', '');
    const paired = await fetch(`${base}/api/pair`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, name: 'Test phone' }) });
    expect(paired.status).toBe(201);
    token = ((await paired.json()) as { token: string }).token;
    expect((await api('/api/desktops')).status).toBe(200);
  });

  it('while the desktop is away: reports not healthy, and a task waits instead of failing; then runs when it is back', async () => {
    const before = await fetch(`${base}/healthz`);
    expect(before.status).toBe(503);
    expect(await before.json()).toMatchObject({ temporal: true, worker: false, gateway: true });
    expect(desktopListSchema.parse(await (await api('/api/desktops')).json()).desktops).toEqual([{ id: stack.desktopId, online: false }]);

    stack.model.enqueue(endTurn('Done once the desktop was back.'));
    const created = createdTaskSchema.parse(await (await api('/api/tasks', { method: 'POST', body: JSON.stringify({ prompt: 'wait for me' }) })).json());
    expect(created.status).toBe('waiting');
    expect(await taskDetail(created.id)).toMatchObject({ status: 'waiting', currentStep: expect.stringMatching(/desktop/) });

    await stack.startWorker();
    const after = await eventually(() => fetch(`${base}/healthz`), (response) => response.status === 200);
    expect(await after.json()).toEqual({ status: 'ok', temporal: true, worker: true, gateway: true });
    expect(await eventually(() => taskDetail(created.id), (task) => task.status === 'succeeded')).toMatchObject({ result: 'Done once the desktop was back.' });
  });

  it('refuses every authenticated route without a valid token, and changes nothing', async () => {
    const authenticated = operations.filter((operation) => operation.auth !== false);
    expect(authenticated.length).toBeGreaterThanOrEqual(7);
    for (const operation of authenticated) {
      const path = operation.path.replace('{id}', 'task-00000000-0000-0000-0000-000000000000').replace('{ref}', '0'.repeat(64));
      for (const authorization of [undefined, 'Bearer not-a-real-token', 'Basic abc']) {
        const response = await fetch(`${base}${path}`, {
          method: operation.method.toUpperCase(),
          headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
          body: operation.method === 'post' ? JSON.stringify({ prompt: 'sneaky' }) : undefined,
        });
        expect(response.status, `${operation.method} ${path} with ${authorization}`).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(/Bearer/);
      }
    }
    expect(taskListSchema.parse(await (await api('/api/tasks')).json()).tasks).toHaveLength(1);
  });

  it('answers bad input with a clear error and the field at fault, and starts no task', async () => {
    const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
      fetch(`${base}/api/tasks`, { method: 'POST', headers: { authorization: `Bearer ${token}`, ...headers }, body });
    const malformed = await post('{"prompt": ');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'malformed_json' } });
    const missing = await post('{}');
    expect(missing.status).toBe(422);
    expect(await missing.json()).toMatchObject({ error: { field: 'prompt' } });
    const extra = await post(JSON.stringify({ prompt: 'x', shell: 'rm -rf /' }));
    expect(extra.status).toBe(422);
    const badDesktop = await post(JSON.stringify({ prompt: 'x', desktopId: '../etc' }));
    expect(await badDesktop.json()).toMatchObject({ error: { field: 'desktopId' } });
    const huge = await post(JSON.stringify({ prompt: 'x'.repeat(70 * 1024) }));
    expect(huge.status).toBe(413);
    expect((await api('/api/tasks/task-nope')).status).toBe(404);
    expect((await api('/api/tasks/not-a-task-id')).status).toBe(404);
    expect((await api('/api/tasks/task-nope/cancel', { method: 'POST' })).status).toBe(404);
    expect((await api('/api/nowhere')).status).toBe(404);
    expect(taskListSchema.parse(await (await api('/api/tasks')).json()).tasks).toHaveLength(1);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('dispatches a task and shows its steps, screenshots and result; pushes every change over the socket', async () => {
    const socket = new WebSocket(`${base.replace('http', 'ws')}/api/events`);
    const pushes: ServerMessage[] = [];
    socket.on('message', (data) => pushes.push(JSON.parse(data.toString()) as ServerMessage));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'auth', token }));
    await eventually(async () => pushes, (list) => list.some((message) => message.type === 'ready'));
    expect(pushes.find((message) => message.type === 'desktop')).toMatchObject({ desktop: { id: stack.desktopId, online: true } });

    const thinking = deferred();
    stack.model.enqueue({ ...computer({ action: 'mouse_move', coordinate: [40, 40] }), after: thinking.promise }, endTurn('Moved the mouse.'));
    const created = await api('/api/tasks', { method: 'POST', body: JSON.stringify({ prompt: 'move the mouse' }) });
    expect(created.status).toBe(201);
    const { id } = createdTaskSchema.parse(await created.json());
    const pushed = () => pushes.flatMap((message) => (message.type === 'task' && message.task.id === id ? [message.task] : []));
    const running = await eventually(async () => pushed(), (list) => list.some((task) => task.status === 'running'));
    expect(running.find((task) => task.status === 'running')?.currentStep).toMatch(/Thinking/);
    thinking.resolve();

    const done = await eventually(() => taskDetail(id), (task) => task.status === 'succeeded');
    expect(done).toMatchObject({ prompt: 'move the mouse', desktopId: stack.desktopId, result: 'Moved the mouse.' });
    expect(done.steps.map((step) => step.description)).toEqual(['mouse move at (40, 40)']);
    const shot = await api(done.steps[0]!.screenshotUrl!);
    expect(shot.status).toBe(200);
    expect(shot.headers.get('content-type')).toBe('image/webp');
    expect((await fetch(`${base}${done.steps[0]!.screenshotUrl!}`)).status).toBe(401);

    const taskPushes = await eventually(async () => pushed(), (list) => list.some((task) => task.status === 'succeeded'));
    expect(taskPushes.at(-1)).toMatchObject({ status: 'succeeded', result: 'Moved the mouse.' });
    socket.close();

    const list = taskListSchema.parse(await (await api('/api/tasks')).json());
    expect(list.tasks.map((task) => task.id)[0]).toBe(id);
    expect(list.tasks).toHaveLength(2);
    desktopListSchema.parse(await (await api('/api/desktops')).json());
  });

  it('cancels a running task, and retries it as a new task', async () => {
    const thinking = deferred();
    stack.model.enqueue({ ...computer({ action: 'mouse_move', coordinate: [5, 5] }), after: thinking.promise });
    const before = stack.model.requests.length;
    const { id } = createdTaskSchema.parse(await (await api('/api/tasks', { method: 'POST', body: JSON.stringify({ prompt: 'a slow one' }) })).json());
    await stack.model.waitForRequest(before + 1);
    expect((await api(`/api/tasks/${id}/retry`, { method: 'POST' })).status).toBe(409);
    const cancelled = await api(`/api/tasks/${id}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(202);
    await eventually(() => taskDetail(id), (task) => task.status === 'cancelled');
    thinking.resolve();

    stack.model.enqueue(endTurn('Done the second time.'));
    const retried = await api(`/api/tasks/${id}/retry`, { method: 'POST' });
    expect(retried.status).toBe(201);
    const again = createdTaskSchema.parse(await retried.json());
    expect(again.id).not.toBe(id);
    const finished: TaskDetail = await eventually(() => taskDetail(again.id), (task) => task.status === 'succeeded');
    expect(finished).toMatchObject({ prompt: 'a slow one', retryOf: id, result: 'Done the second time.' });
  });

  it('closes a socket that does not authenticate first, or uses a wrong token', async () => {
    for (const first of [JSON.stringify({ type: 'ping' }), JSON.stringify({ type: 'auth', token: 'wrong' }), 'not json']) {
      const socket = new WebSocket(`${base.replace('http', 'ws')}/api/events`);
      const received: string[] = [];
      socket.on('message', (data) => received.push(data.toString()));
      await new Promise((resolve) => socket.once('open', resolve));
      socket.send(first);
      const code = await new Promise<number>((resolve) => socket.once('close', (closeCode) => resolve(closeCode)));
      expect(code).toBe(4401);
      expect(received).toEqual([]);
    }
    const withHeader = new WebSocket(`${base.replace('http', 'ws')}/api/events`, { headers: { authorization: 'Bearer wrong' } });
    const rejected = await new Promise<number | undefined>((resolve) => {
      withHeader.once('unexpected-response', (_request, response) => resolve(response.statusCode));
      withHeader.once('open', () => resolve(undefined));
    });
    expect(rejected).toBe(401);
  });

  it('serves an OpenAPI document that lists every route with the schemas that validate it', async () => {
    const response = await fetch(`${base}/api/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>> };
    expect(document.openapi).toBe('3.1.0');
    for (const operation of operations) expect(document.paths[operation.path]?.[operation.method], `${operation.method} ${operation.path}`).toBeDefined();
    const createTask = document.paths['/api/tasks']!.post!;
    expect(JSON.stringify(createTask.requestBody)).toContain('"prompt"');
    expect(Object.keys(createTask.responses).sort()).toEqual(['201', '400', '401', '413', '422']);
  });

  it('sends security headers: a CSP without inline script, no sniffing, no framing', async () => {
    for (const path of ['/', '/api/openapi.json', '/healthz']) {
      const response = await fetch(`${base}${path}`);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});
