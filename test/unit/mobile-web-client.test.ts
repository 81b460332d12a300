import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Router } from 'express';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Desktop, TaskDetail } from '../../common/api-schemas.js';
import { createLogger } from '../../common/logger.js';
import { requireDevice } from '../../gateway/auth.js';
import { createDeviceRegistry, type DeviceRegistry } from '../../gateway/device-registry.js';
import { createPairingCodes, type PairingCodes } from '../../gateway/pairing-codes.js';
import { createPairingRouter } from '../../gateway/pairing-routes.js';
import { createFailureLimiter } from '../../gateway/rate-limiter.js';
import { ApiFailure, createApi } from '../../mobile-web/src/api.js';
import { desktopChoiceText, pickDesktop } from '../../mobile-web/src/desktop-names.js';
import { backoffDelay, eventsUrl, parseServerMessage } from '../../mobile-web/src/events.js';
import { takePairingCode } from '../../mobile-web/src/pairing-link.js';
import { routeFromSearch, urlForRoute } from '../../mobile-web/src/route.js';
import { emptyGatewayData, reduceGateway } from '../../mobile-web/src/store.js';
import { buildGatewayTestApp, listen, type ListeningApp } from '../helpers/gateway-test-app.js';

const task = (over: Partial<TaskDetail>): TaskDetail => ({
  id: 'task-1',
  prompt: 'Check the weather',
  desktopId: 'pc',
  status: 'running',
  createdAt: '2026-01-01T10:00:00.000Z',
  steps: [],
  ...over,
});
const step = (index: number, at: string) => ({ index, at, description: `step ${index}` });
const desktop = (over: Partial<Desktop> & Pick<Desktop, 'id'>): Desktop => ({ name: over.id, online: true, running: 0, queued: 0, ...over });

describe('the phone keeps an up-to-date picture of tasks', () => {
  it('shows a pushed task at the top of the list, newest first', () => {
    let state = reduceGateway(emptyGatewayData, { type: 'tasks', tasks: [task({ id: 'task-old', createdAt: '2026-01-01T09:00:00.000Z' })] });
    state = reduceGateway(state, { type: 'task', task: task({ id: 'task-new', createdAt: '2026-01-01T11:00:00.000Z', status: 'queued' }) });
    expect(state.tasks.map((t) => t.id)).toEqual(['task-new', 'task-old']);
    expect(state.details['task-new']?.status).toBe('queued');
  });

  it('ignores a late answer that would move a finished task back to running', () => {
    let state = reduceGateway(emptyGatewayData, { type: 'task', task: task({ status: 'succeeded', steps: [step(1, '2026-01-01T10:01:00Z')] }) });
    state = reduceGateway(state, { type: 'task', task: task({ status: 'running', steps: [step(1, '2026-01-01T10:01:00Z')] }) });
    state = reduceGateway(state, { type: 'tasks', tasks: [task({ status: 'running' })] });
    expect(state.details['task-1']?.status).toBe('succeeded');
    expect(state.tasks[0]?.status).toBe('succeeded');
  });

  it('ignores an older snapshot but accepts a trimmed newer timeline', () => {
    const newer = task({ steps: [step(2, '2026-01-01T10:02:00Z'), step(3, '2026-01-01T10:03:00Z')] });
    let state = reduceGateway(emptyGatewayData, { type: 'task', task: task({ steps: [step(1, '2026-01-01T10:01:00Z'), step(2, '2026-01-01T10:02:00Z')] }) });
    state = reduceGateway(state, { type: 'task', task: newer });
    expect(state.details['task-1']).toBe(newer);
    state = reduceGateway(state, { type: 'task', task: task({ steps: [step(1, '2026-01-01T10:01:00Z')] }) });
    expect(state.details['task-1']).toBe(newer);
  });

  it('appends older pages below the first, once each, and keeps them when the first page is fetched again', () => {
    const row = (id: string, createdAt: string) => task({ id, createdAt, status: 'succeeded' });
    let state = reduceGateway(emptyGatewayData, { type: 'tasks', tasks: [row('task-3', '2026-01-03T00:00:00Z'), row('task-2', '2026-01-02T00:00:00Z')], nextCursor: 'p2' });
    expect(state.nextCursor).toBe('p2');
    state = reduceGateway(state, { type: 'olderTasks', tasks: [row('task-2', '2026-01-02T00:00:00Z'), row('task-1', '2026-01-01T00:00:00Z')] });
    expect(state.tasks.map((t) => t.id)).toEqual(['task-3', 'task-2', 'task-1']);
    expect(state.nextCursor).toBeUndefined();
    state = reduceGateway(state, { type: 'tasks', tasks: [row('task-4', '2026-01-04T00:00:00Z'), row('task-3', '2026-01-03T00:00:00Z')], nextCursor: 'p2-again' });
    expect(state.tasks.map((t) => t.id)).toEqual(['task-4', 'task-3', 'task-2', 'task-1']);
    expect(state.nextCursor).toBeUndefined();
  });

  it('updates a desktop going offline in place', () => {
    let state = reduceGateway(emptyGatewayData, { type: 'desktops', desktops: [{ id: 'pc', name: 'pc', running: 0, queued: 0, online: true }] });
    state = reduceGateway(state, { type: 'desktop', desktop: { id: 'pc', name: 'pc', running: 0, queued: 0, online: false } });
    expect(state.desktops).toEqual([{ id: 'pc', name: 'pc', running: 0, queued: 0, online: false }]);
  });

  it('adds a desktop that appears where the gateway lists it: this phone\'s own first, then by name', () => {
    const laptop = desktop({ id: 'laptop-1', name: 'Laptop', current: true });
    let state = reduceGateway(emptyGatewayData, { type: 'desktops', desktops: [laptop, desktop({ id: 'office-1', name: 'Office PC' })] });
    state = reduceGateway(state, { type: 'desktop', desktop: desktop({ id: 'den-1', name: 'Den' }) });
    state = reduceGateway(state, { type: 'desktop', desktop: desktop({ id: 'attic-1', name: 'Attic' }) });
    expect(state.desktops?.map((d) => d.name)).toEqual(['Laptop', 'Attic', 'Den', 'Office PC']);
    state = reduceGateway(state, { type: 'desktop', desktop: desktop({ id: 'den-1', name: 'Den', running: 1 }) });
    expect(state.desktops?.map((d) => `${d.name}:${d.running}`)).toEqual(['Laptop:0', 'Attic:0', 'Den:1', 'Office PC:0']);
  });
});

describe('the desktop picker', () => {
  const laptop = desktop({ id: 'laptop-1', name: 'Laptop', running: 1, queued: 2, current: true });
  const office = desktop({ id: 'office-1', name: 'Office PC', online: false });

  it('names each desktop with its state and its work', () => {
    const desktops = [laptop, office];
    expect(desktops.map((d) => desktopChoiceText(d, desktops))).toEqual(['Laptop — online, 1 running, 2 waiting', 'Office PC — away']);
  });

  it('tells two desktops with one name apart by their ids, and only then', () => {
    const twin = desktop({ id: 'laptop-2', name: 'Laptop' });
    const desktops = [laptop, twin, office];
    expect(desktops.map((d) => desktopChoiceText(d, desktops))).toEqual(['Laptop (laptop-1) — online, 1 running, 2 waiting', 'Laptop (laptop-2) — online', 'Office PC — away']);
  });

  it('starts on the desktop the phone is paired through, and keeps a choice while it is listed', () => {
    expect(pickDesktop([office, laptop], undefined)?.id).toBe('laptop-1');
    expect(pickDesktop([office, desktop({ id: 'den-1', name: 'Den' })], undefined)?.id).toBe('office-1');
    expect(pickDesktop([laptop, { ...office, queued: 3 }], 'office-1')?.id).toBe('office-1');
    expect(pickDesktop([laptop], 'office-1')?.id).toBe('laptop-1');
  });
});

describe('the live event stream', () => {
  it('reads known messages and drops malformed ones', () => {
    expect(parseServerMessage('{"type":"ready"}')).toEqual({ type: 'ready' });
    expect(parseServerMessage(JSON.stringify({ type: 'task', task: task({}) }))).toMatchObject({ type: 'task', task: { id: 'task-1' } });
    expect(parseServerMessage('{"type":"task","task":{"id":1}}')).toBeNull();
    expect(parseServerMessage('{"type":"surprise"}')).toBeNull();
    expect(parseServerMessage('not json')).toBeNull();
  });

  it('drops a desktop message without a name or with counts that are not numbers, rather than merging it', () => {
    const valid = desktop({ id: 'office-1', name: 'Office PC', running: 1 });
    expect(parseServerMessage(JSON.stringify({ type: 'desktop', desktop: valid }))).toEqual({ type: 'desktop', desktop: valid });
    const { name: _name, ...nameless } = valid;
    for (const broken of [nameless, { ...valid, name: 7 }, { ...valid, running: '1' }, { ...valid, queued: null }, { ...valid, online: 'yes' }]) {
      expect(parseServerMessage(JSON.stringify({ type: 'desktop', desktop: broken }))).toBeNull();
    }
  });

  it('backs off from about a second to at most thirty, with jitter', () => {
    expect(backoffDelay(0, () => 1)).toBe(1000);
    expect(backoffDelay(0, () => 0)).toBe(500);
    expect(backoffDelay(3, () => 1)).toBe(8000);
    expect(backoffDelay(20, () => 1)).toBe(30_000);
  });

  it('uses wss: when the page came over https:', () => {
    expect(eventsUrl({ protocol: 'https:', host: 'desk.example:8443' })).toBe('wss://desk.example:8443/api/events');
    expect(eventsUrl({ protocol: 'http:', host: '192.168.1.5:8787' })).toBe('ws://192.168.1.5:8787/api/events');
  });
});

describe('pairing links and addresses', () => {
  it('takes the code from #pair= and wipes the fragment from the address bar', () => {
    const replaceState = vi.fn();
    const code = takePairingCode({ hash: '#pair=abc%2D123', pathname: '/', search: '' }, { replaceState, state: null });
    expect(code).toBe('abc-123');
    expect(replaceState).toHaveBeenCalledWith(null, '', '/');
  });

  it('leaves an address without a fragment alone', () => {
    const replaceState = vi.fn();
    expect(takePairingCode({ hash: '', pathname: '/', search: '?task=task-1' }, { replaceState, state: null })).toBeNull();
    expect(replaceState).not.toHaveBeenCalled();
  });

  it('round-trips a task page through ?task=', () => {
    expect(routeFromSearch(new URL(`http://x${urlForRoute({ name: 'task', id: 'task-a1' })}`).search)).toEqual({ name: 'task', id: 'task-a1' });
    expect(routeFromSearch('')).toEqual({ name: 'home' });
  });
});

describe('the API module', () => {
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it('sends the Bearer token and returns the typed body', async () => {
    const fetch = vi.fn(async () => json(200, { tasks: [task({})], nextCursor: 'abc_-1' }));
    const api = createApi({ getToken: () => 'tok', onUnauthorized: () => undefined, fetch });
    await expect(api.listTasks()).resolves.toMatchObject({ tasks: [{ id: 'task-1' }], nextCursor: 'abc_-1' });
    expect(fetch).toHaveBeenCalledWith('/api/tasks', expect.objectContaining({ headers: expect.objectContaining({ authorization: 'Bearer tok' }) }));
    await api.listTasks('abc_-1');
    expect(fetch).toHaveBeenLastCalledWith('/api/tasks?cursor=abc_-1', expect.anything());
  });

  it('reports an unreachable gateway in words', async () => {
    const api = createApi({ getToken: () => 'tok', onUnauthorized: () => undefined, fetch: async () => Promise.reject(new TypeError('fetch failed')) });
    await expect(api.getTask('task-1')).rejects.toMatchObject({ status: 0, code: 'network', message: expect.stringMatching(/Can't reach your desktop/) });
  });

  it('never sends the token to a screenshot address outside the gateway', async () => {
    const fetch = vi.fn();
    const api = createApi({ getToken: () => 'tok', onUnauthorized: () => undefined, fetch });
    await expect(api.screenshot('https://evil.example/x.png')).rejects.toMatchObject({ code: 'bad_url' });
    await expect(api.screenshot('//evil.example/x.png')).rejects.toMatchObject({ code: 'bad_url' });
    expect(fetch).not.toHaveBeenCalled();
  });
});

// Pairing and the token check go through the gateway's own routers and error handler, so the
// answers the client meets are the ones the gateway really sends, and the two cannot drift apart.
describe('the API module against the gateway\'s pairing and token check', () => {
  let dir: string;
  let codes: PairingCodes;
  let registry: DeviceRegistry;
  let gateway: ListeningApp;
  let token: string | null;
  const onUnauthorized = vi.fn();
  const phoneApi = () => createApi({ getToken: () => token, onUnauthorized, fetch: (route, init) => fetch(`${gateway.base}${String(route)}`, init) });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'od-client-'));
    codes = createPairingCodes();
    registry = await createDeviceRegistry({ file: path.join(dir, 'devices.json') });
    const pairing = createPairingRouter({ codes, registry, limiter: createFailureLimiter(), logger: createLogger('test-gateway', () => {}) });
    const routes = Router();
    routes.get('/desktops', (_req, res) => {
      res.json({ desktops: [{ id: 'pc', name: 'pc', running: 0, queued: 0, online: true }] });
    });
    // As createApp mounts the authenticated API.
    const authenticated = Router();
    authenticated.use('/api', requireDevice(registry), routes);
    gateway = await listen(buildGatewayTestApp([pairing, authenticated]));
    token = null;
    onUnauthorized.mockReset();
  });

  afterEach(async () => {
    await gateway.close();
    await registry.flush();
    await rm(dir, { recursive: true, force: true });
  });

  it('pairs with the code the desktop shows, and the token it gets opens the API', async () => {
    token = (await phoneApi().pair({ code: codes.issue().code, name: 'My phone' })).token;
    await expect(phoneApi().listDesktops()).resolves.toEqual([{ id: 'pc', name: 'pc', running: 0, queued: 0, online: true }]);
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('does not treat a used pairing code as a revoked token, and shows the gateway\'s words', async () => {
    const code = codes.issue().code;
    await phoneApi().pair({ code, name: 'First phone' });
    const failure = await phoneApi()
      .pair({ code, name: 'My phone' })
      .then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiFailure);
    expect(failure).toMatchObject({ status: 401, code: 'invalid_pairing_code', field: 'code', message: expect.stringMatching(/pairing code is wrong, expired or was already used/) });
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('turns a revoked token into an unpaired phone', async () => {
    const { deviceId, token: issued } = await registry.register('My phone');
    token = issued;
    await expect(phoneApi().listDesktops()).resolves.toHaveLength(1);
    await registry.revoke(deviceId);
    await expect(phoneApi().listDesktops()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });
});
