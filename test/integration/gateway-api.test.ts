import http from 'node:http';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createdTaskSchema, desktopListSchema, modelListSchema, taskDetailSchema, taskListSchema, type ServerMessage, type TaskDetail } from '../../common/api-schemas.js';
import { createLogger } from '../../common/logger.js';
import type * as AppModule from '../../gateway/app.js';
import type * as SetupAppModule from '../../gateway/setup-app.js';
import { startGateway, type RunningGateway } from '../../gateway/gateway.js';
import { computer, endTurn } from '../helpers/fake-messages-api.js';
import { startDesktopStack, type DesktopStack, type WorkerProcess } from '../helpers/desktop-stack.js';
import { documentedOperation as documented, servedRoutes, type OpenApiDocument } from '../helpers/served-routes.js';
import { freePort } from '../helpers/temporal-server.js';
import { loadConfig } from '../../common/config.js';
import { deferred, eventually } from '../helpers/async.js';

// Keeps the Express apps startGateway builds, so the tests enumerate the routes they really serve.
const built = vi.hoisted(() => ({ apps: [] as Express[], setupApps: [] as Express[] }));
vi.mock('../../gateway/app.js', async (importOriginal) => {
  const original = await importOriginal<typeof AppModule>();
  return { ...original, createApp: (deps: AppModule.AppDeps) => built.apps[built.apps.push(original.createApp(deps)) - 1]! };
});
vi.mock('../../gateway/setup-app.js', async (importOriginal) => {
  const original = await importOriginal<typeof SetupAppModule>();
  return { ...original, createSetupApp: (deps: SetupAppModule.SetupAppDeps) => built.setupApps[built.setupApps.push(original.createSetupApp(deps)) - 1]! };
});

/** A request as a raw TCP tunnel (ssh -R, socat) delivers it: from 127.0.0.1, with whatever Host the outsider sent, no Origin. */
function tunnelled(base: string, method: string, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${base}${path}`, { method, headers: { host } }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve({ status: response.statusCode!, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

/** Routes anyone may call without a token, on purpose; making another route public means changing this list. */
const PUBLIC_ROUTES = ['get /healthz', 'get /api/openapi.json', 'post /api/pair'];
/** Values for path parameters in the sweeps; real-looking, so a 401 cannot be a 404 in disguise. */
const SAMPLE_PARAMS: Record<string, string> = { id: 'task-00000000-0000-0000-0000-000000000000', ref: '0'.repeat(64) };

describe('the gateway API over a real desktop stack', () => {
  let stack: DesktopStack;
  let gateway: RunningGateway;
  let base: string;
  /** A phone paired in beforeAll, for the tests that are not about pairing. */
  let token: string;
  /** The desktop's worker, while one runs. */
  let worker: WorkerProcess | undefined;
  const api = (path: string, init: RequestInit = {}, withToken = true) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { ...(init.body ? { 'content-type': 'application/json' } : {}), ...(withToken ? { authorization: `Bearer ${token}` } : {}), ...init.headers },
    });
  const taskDetail = async (id: string) => taskDetailSchema.parse(await (await api(`/api/tasks/${id}`)).json());
  const served = () => servedRoutes(built.apps.at(-1)!);
  const servedBySetup = () => servedRoutes(built.setupApps.at(-1)!);
  const openApiDocument = async () => (await (await fetch(`${base}/api/openapi.json`)).json()) as OpenApiDocument;
  const setupDocument = async () => (await (await fetch(`${gateway.setupUrl}/setup/openapi.json`)).json()) as OpenApiDocument;
  const concrete = (path: string) => path.replace(/:(\w+)/g, (_match, name: string) => SAMPLE_PARAMS[name] ?? 'x');
  const taskIds = async () => taskListSchema.parse(await (await api('/api/tasks')).json()).tasks.map((task) => task.id);
  /** Pairs a phone as one does: a code from the desktop's setup listener, redeemed on the phone listener. */
  const pairPhone = async (name: string) => {
    const issued = await fetch(`${gateway.setupUrl}/pair/code`, { method: 'POST' });
    expect(issued.status).toBe(201);
    const { url } = (await issued.json()) as { url: string };
    const code = new URL(url).hash.replace('#pair=', '');
    const paired = await fetch(`${base}/api/pair`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, name }) });
    return { status: paired.status, token: paired.status === 201 ? ((await paired.json()) as { token: string }).token : undefined };
  };
  /** The desktop's worker runs, and the gateway says so. */
  const desktopUp = async () => {
    worker ??= await stack.startWorker();
    await eventually(() => fetch(`${base}/healthz`), (response) => response.status === 200, 90_000);
  };
  /** No worker runs for the desktop, and the gateway says so. */
  const desktopAway = async () => {
    await worker?.stop();
    worker = undefined;
    await eventually(() => fetch(`${base}/healthz`), (response) => response.status === 503, 90_000);
  };

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
    token = (await pairPhone('Test phone')).token!;
  });

  afterAll(async () => {
    await gateway?.close();
    await stack?.stop();
  });

  it('pairs a phone with a code from the desktop, and the token opens the API', async () => {
    const paired = await pairPhone('Second phone');
    expect(paired.status).toBe(201);
    expect((await fetch(`${base}/api/desktops`, { headers: { authorization: `Bearer ${paired.token}` } })).status).toBe(200);
  });

  it('while the desktop is away: reports not healthy, and a task waits instead of failing; then runs when it is back', async () => {
    await desktopAway();
    const before = await fetch(`${base}/healthz`);
    expect(before.status).toBe(503);
    expect(await before.json()).toMatchObject({ temporal: true, worker: false, gateway: true });
    expect(desktopListSchema.parse(await (await api('/api/desktops')).json()).desktops).toEqual([expect.objectContaining({ id: stack.desktopId, online: false })]);

    stack.model.enqueue(endTurn('Done once the desktop was back.'));
    const created = createdTaskSchema.parse(await (await api('/api/tasks', { method: 'POST', body: JSON.stringify({ prompt: 'wait for me' }) })).json());
    expect(created.status).toBe('waiting');
    expect(await taskDetail(created.id)).toMatchObject({ status: 'waiting', currentStep: expect.stringMatching(/desktop/) });

    await desktopUp();
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok', temporal: true, worker: true, gateway: true });
    expect(await eventually(() => taskDetail(created.id), (task) => task.status === 'succeeded')).toMatchObject({ result: 'Done once the desktop was back.' });
  });

  it('refuses every route it serves that is not documented as public without a valid token, and changes nothing', async () => {
    const tasksBefore = await taskIds();
    const document = await openApiDocument();
    const routes = served();
    expect(routes.map((route) => `${route.method} ${route.path}`)).toEqual(expect.arrayContaining(['post /api/tasks', 'get /api/tasks', 'get /api/models']));
    expect(routes.filter((route) => route.path.startsWith('/setup') || route.path.startsWith('/pair/'))).toEqual([]);
    const authenticated = routes.filter((route) => documented(document, route)?.security?.length !== 0);
    expect(authenticated.length).toBeGreaterThanOrEqual(8);
    for (const route of authenticated) {
      const path = concrete(route.path);
      for (const authorization of [undefined, 'Bearer not-a-real-token', 'Basic abc']) {
        const response = await fetch(`${base}${path}`, {
          method: route.method.toUpperCase(),
          headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
          body: route.method === 'post' ? JSON.stringify({ prompt: 'sneaky' }) : undefined,
        });
        expect(response.status, `${route.method} ${path} with ${authorization}`).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(/Bearer/);
      }
    }
    expect(await taskIds()).toEqual(tasksBefore);
  });

  it('serves token-free routes only where documented: a short public list on the phone listener, loopback-only routes on the setup listener that refuse a proxied request', async () => {
    const document = await openApiDocument();
    const tokenFree = served().filter((route) => documented(document, route)?.security?.length === 0);
    expect(tokenFree.map((route) => `${route.method} ${route.path}`).sort()).toEqual([...PUBLIC_ROUTES].sort());
    expect(tokenFree.filter((route) => documented(document, route)?.['x-loopback-only'] === true)).toEqual([]);

    const setup = await setupDocument();
    const setupRoutes = servedBySetup();
    expect(setupRoutes.map((route) => `${route.method} ${route.path}`)).toEqual(
      expect.arrayContaining(['post /pair/code', 'get /pair/qr.png', 'get /setup', 'get /setup/setup.css', 'post /setup/devices/:id/rename', 'post /setup/devices/:id/revoke']),
    );
    for (const route of setupRoutes) {
      expect(documented(setup, route), `${route.method} ${route.path}`).toMatchObject({ security: [], 'x-loopback-only': true });
      // From this machine, but relayed by a proxy (a tunnel on the desktop): refused before anything runs.
      const response = await fetch(`${gateway.setupUrl}${concrete(route.path)}`, { method: route.method.toUpperCase(), headers: { 'x-forwarded-for': '203.0.113.7' } });
      expect(response.status, `${route.method} ${route.path}`).toBe(403);
    }
  });

  it('answers 404 on the phone port for the setup page and code minting, even from 127.0.0.1 with a forged Host and no Origin, as a tunnel delivers outsiders; the setup listener serves them', async () => {
    const desktopOnly = [
      ['GET', '/setup'],
      ['GET', '/setup/setup.css'],
      ['GET', '/setup/openapi.json'],
      ['GET', '/pair/qr.png'],
      ['POST', '/pair/code'],
      ['POST', '/setup/devices/dev_AAAAAAAAAAAAAAAA/revoke'],
    ] as const;
    const phonePort = new URL(base).port;
    for (const host of [`127.0.0.1:${phonePort}`, `localhost:${phonePort}`, 'desktop.example:443', `127.0.0.1:${gateway.setupPort}`]) {
      for (const [method, path] of desktopOnly) {
        const answer = await tunnelled(base, method, path, host);
        expect(answer.status, `${method} ${path} with Host ${host}`).toBe(404);
        expect(answer.body).not.toMatch(/#pair=/);
      }
    }
    const page = await fetch(`${gateway.setupUrl}/setup`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/#pair=[A-Za-z0-9_-]{22,}/);
    expect((await fetch(`${gateway.setupUrl}/pair/code`, { method: 'POST' })).status).toBe(201);
    // A rebinding name on the setup listener itself is still refused by its loopback guard.
    expect((await tunnelled(gateway.setupUrl, 'POST', '/pair/code', 'attacker.example')).status).toBe(403);
  });

  it('answers bad input with a clear error and the field at fault, and starts no task', async () => {
    const tasksBefore = await taskIds();
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
    for (const model of ['claude opus', '../../etc/passwd', '', 'x'.repeat(101), 4]) {
      const badModel = await post(JSON.stringify({ prompt: 'x', model }));
      expect(badModel.status, JSON.stringify(model)).toBe(422);
      expect(await badModel.json()).toMatchObject({ error: { code: 'invalid_request', field: 'model' } });
    }
    const huge = await post(JSON.stringify({ prompt: 'x'.repeat(70 * 1024) }));
    expect(huge.status).toBe(413);
    expect((await api('/api/tasks/task-nope')).status).toBe(404);
    expect((await api('/api/tasks/not-a-task-id')).status).toBe(404);
    expect((await api('/api/tasks/task-nope/cancel', { method: 'POST' })).status).toBe(404);
    expect((await api('/api/nowhere')).status).toBe(404);
    expect(await taskIds()).toEqual(tasksBefore);
    expect(await (await fetch(`${base}/healthz`)).json()).toMatchObject({ gateway: true, temporal: true });
  });

  it('dispatches a task and shows its steps, screenshots and result; pushes every change over the socket', async () => {
    await desktopUp();
    const tasksBefore = await taskIds();
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
    // A phone that connects now is told of the running task at once, though nothing about it changes.
    const late = new WebSocket(`${base.replace('http', 'ws')}/api/events`);
    const latePushes: ServerMessage[] = [];
    late.on('message', (data) => latePushes.push(JSON.parse(data.toString()) as ServerMessage));
    await new Promise((resolve) => late.once('open', resolve));
    late.send(JSON.stringify({ type: 'auth', token }));
    const told = await eventually(async () => latePushes, (list) => list.some((message) => message.type === 'task' && message.task.id === id), 5_000);
    expect(told.find((message) => message.type === 'task')).toMatchObject({ task: { id, status: 'running' } });
    late.close();
    thinking.resolve();

    const done = await eventually(() => taskDetail(id), (task) => task.status === 'succeeded');
    expect(done).toMatchObject({ prompt: 'move the mouse', desktopId: stack.desktopId, model: stack.config.model, result: 'Moved the mouse.' });
    expect(done.steps.map((step) => step.description)).toEqual(['mouse move at (40, 40)']);
    const shot = await api(done.steps[0]!.screenshotUrl!);
    expect(shot.status).toBe(200);
    expect(shot.headers.get('content-type')).toBe('image/webp');
    expect((await fetch(`${base}${done.steps[0]!.screenshotUrl!}`)).status).toBe(401);

    const taskPushes = await eventually(async () => pushed(), (list) => list.some((task) => task.status === 'succeeded'));
    expect(taskPushes.at(-1)).toMatchObject({ status: 'succeeded', result: 'Moved the mouse.' });
    socket.close();

    expect(await taskIds()).toEqual([id, ...tasksBefore]);
    desktopListSchema.parse(await (await api('/api/desktops')).json());
  });

  it('cancels a running task, and retries it as a new task', async () => {
    await desktopUp();
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

  it('runs a task with a model the phone picked, even one this desktop does not know, and a retry keeps it', async () => {
    await desktopUp();
    const picked = 'claude-future-9-9';
    const created = await api('/api/tasks', { method: 'POST', body: JSON.stringify({ prompt: 'use the future model', model: picked }) });
    expect(created.status).toBe(201);
    const { id } = createdTaskSchema.parse(await created.json());
    expect((await taskDetail(id)).model).toBe(picked);
    // The model service is asked with the picked model, refuses an id it does not know, and the task says so.
    const failed = await eventually(() => taskDetail(id), (task) => task.status === 'failed');
    expect(failed).toMatchObject({ model: picked, error: expect.stringContaining(picked) });
    expect(stack.model.refusals.map((request) => request.body.model)).toContain(picked);

    const retried = await api(`/api/tasks/${id}/retry`, { method: 'POST' });
    expect(retried.status).toBe(201);
    const again = createdTaskSchema.parse(await retried.json());
    expect(await taskDetail(again.id)).toMatchObject({ model: picked, retryOf: id });
    await eventually(() => taskDetail(again.id), (task) => task.status === 'failed');
  });

  it('lists the models a task can pick, with the desktop default marked', async () => {
    const response = await api('/api/models');
    expect(response.status).toBe(200);
    const list = modelListSchema.parse(await response.json());
    expect(list.default).toBe(stack.config.model);
    expect(list.models.filter((model) => model.default)).toEqual([{ id: stack.config.model, label: expect.any(String), default: true }]);
    expect(list.models.map((model) => model.id)).toEqual(expect.arrayContaining(['claude-sonnet-5-5', 'claude-opus-4-7']));
    expect(new Set(list.models.map((model) => model.id)).size).toBe(list.models.length);
  });

  it('serves an OpenAPI document that describes every route it serves, and nothing else', async () => {
    const response = await fetch(`${base}/api/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as OpenApiDocument;
    expect(document.openapi).toBe('3.1.0');
    const routes = served();
    for (const route of routes) expect(documented(document, route), `${route.method} ${route.path}`).toBeDefined();
    expect(Object.values(document.paths).flatMap((methods) => Object.keys(methods)).length).toBe(routes.length);
    const createTask = document.paths['/api/tasks']!.post!;
    expect(JSON.stringify(createTask.requestBody)).toContain('"prompt"');
    expect(JSON.stringify(createTask.requestBody)).toContain('"model"');
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
