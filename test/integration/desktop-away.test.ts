import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { cancelledTaskSchema, createdTaskSchema, taskDetailSchema, type ServerMessage } from '../../common/api-schemas.js';
import { loadConfig } from '../../common/config.js';
import { createLogger } from '../../common/logger.js';
import { startGateway, type RunningGateway } from '../../gateway/gateway.js';
import { deferred, eventually } from '../helpers/async.js';
import { startDesktopStack, type DesktopStack, type WorkerProcess } from '../helpers/desktop-stack.js';
import { computer, endTurn } from '../helpers/fake-messages-api.js';
import { freePort } from '../helpers/temporal-server.js';

/** The promise the brief makes: a desktop that stops or freezes shows offline this fast. */
const OFFLINE_WITHIN_MS = 15_000;

describe('a desktop whose worker stops, freezes or dies', () => {
  let stack: DesktopStack;
  let gateway: RunningGateway;
  let token: string;
  let phone: WebSocket;
  const pushes: Array<{ at: number; message: ServerMessage }> = [];

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${gateway.localUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) } });
  const detail = async (id: string) => taskDetailSchema.parse(await (await api(`/api/tasks/${id}`)).json());
  /** Milliseconds from `since` until the phone is told the desktop is `online`. */
  const phoneHears = async (online: boolean, since: number, timeoutMs = 60_000): Promise<number> => {
    const heard = await eventually(
      async () => pushes.find((push) => push.at >= since && push.message.type === 'desktop' && push.message.desktop.online === online),
      (push) => push !== undefined,
      timeoutMs,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; the phone heard ${JSON.stringify(pushes.map((push) => [push.at - since, push.message]))}`);
    });
    return heard!.at - since;
  };
  const onlineNow = async () => ((await (await api('/api/desktops')).json()) as { desktops: Array<{ online: boolean }> }).desktops[0]!.online;
  /** A worker that has been up a while, and that the phone sees online. */
  const runningWorker = async (): Promise<WorkerProcess> => {
    const since = Date.now();
    const worker = await stack.startWorker();
    await phoneHears(true, since);
    return worker;
  };

  beforeAll(async () => {
    stack = await startDesktopStack();
    const port = await freePort();
    const config = loadConfig({ ...stack.env, DISPATCH_PORT: String(port), DISPATCH_HOST: '127.0.0.1', DISPATCH_PUBLIC_URL: `http://127.0.0.1:${port}` });
    gateway = await startGateway({ config, client: stack.client, desktopId: stack.desktopId, logger: createLogger('test-gateway', () => {}), version: 'test', keepAwake: () => ({ mode: 'test', active: false }) });
    const { url } = (await (await fetch(`${gateway.setupUrl}/pair/code`, { method: 'POST' })).json()) as { url: string };
    const paired = await fetch(`${gateway.localUrl}/api/pair`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: new URL(url).hash.slice(6), name: 'watcher' }) });
    token = ((await paired.json()) as { token: string }).token;
    phone = new WebSocket(`${gateway.localUrl.replace('http', 'ws')}/api/events`, { headers: { authorization: `Bearer ${token}` } });
    phone.on('message', (data) => pushes.push({ at: Date.now(), message: JSON.parse(String(data)) as ServerMessage }));
    await new Promise((resolve) => phone.once('open', resolve));
  });

  afterAll(async () => {
    phone?.terminate();
    await gateway?.close();
    await stack?.stop();
  });

  it(`shows a frozen desktop (SIGSTOP) offline within ${OFFLINE_WITHIN_MS / 1000} s, and online again when it thaws`, async () => {
    const worker = await runningWorker();
    const frozenAt = Date.now();
    worker.child.kill('SIGSTOP');
    try {
      expect(await phoneHears(false, frozenAt)).toBeLessThan(OFFLINE_WITHIN_MS);
      expect(await onlineNow()).toBe(false);
    } finally {
      worker.child.kill('SIGCONT');
    }
    expect(await phoneHears(true, Date.now())).toBeLessThan(OFFLINE_WITHIN_MS);
    await worker.stop();
  });

  it(`shows a stopped desktop (SIGTERM) offline within ${OFFLINE_WITHIN_MS / 1000} s`, async () => {
    const worker = await runningWorker();
    const stoppedAt = Date.now();
    await worker.stop();
    expect(await phoneHears(false, stoppedAt)).toBeLessThan(OFFLINE_WITHIN_MS);
    expect((await fetch(`${gateway.localUrl}/healthz`)).status).toBe(503);
  });

  it('takes a cancel while the desktop is away, says so, and the task is cancelled once the desktop is back', async () => {
    let worker = await runningWorker();
    // The model thinks until the test says so, in the attempt the dying worker made and in the
    // retry the restarted one may make, so the cancel is what ends the task.
    const thinking = deferred();
    const slowMove = () => ({ ...computer({ action: 'mouse_move', coordinate: [5, 5] }), after: thinking.promise });
    stack.model.enqueue(slowMove(), slowMove(), endTurn('should never be reached'));
    const before = stack.model.requests.length;
    const { id } = createdTaskSchema.parse(await (await api('/api/tasks', { method: 'POST', body: JSON.stringify({ prompt: 'a task whose desktop dies' }) })).json());
    await stack.model.waitForRequest(before + 1);

    const diedAt = Date.now();
    await worker.kill();
    expect(await phoneHears(false, diedAt)).toBeLessThan(OFFLINE_WITHIN_MS);

    const response = await api(`/api/tasks/${id}/cancel`, { method: 'POST' });
    expect(response.status).toBe(202);
    const answer = cancelledTaskSchema.parse(await response.json());
    expect(answer).toMatchObject({ id, status: 'waiting', note: expect.stringMatching(/cancel requested, the desktop is away/i) });
    expect(answer.currentStep).toMatch(/cancel requested/i);
    expect(await detail(id)).toMatchObject({ status: 'waiting', currentStep: expect.stringMatching(/cancel requested/i) });

    worker = await stack.startWorker();
    const cancelled = await eventually(() => detail(id), (task) => task.status === 'cancelled', 60_000);
    thinking.resolve();
    // The cancel reached the workflow before anything was done on the screen.
    expect(cancelled.steps.map((step) => step.description)).toEqual([]);
    await worker.stop();
  });
});
