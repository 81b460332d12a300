import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createdTaskSchema } from '../../common/api-schemas.js';
import { pushPayloadSchema } from '../../common/push-schemas.js';
import { startTask } from '../../common/task-starter.js';
import { createDeviceRegistry } from '../../gateway/device-registry.js';
import { endTurn, toolUseReply } from '../helpers/fake-messages-api.js';
import { startDesktopStack, type DesktopStack } from '../helpers/desktop-stack.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { makeSubscriber, makeTestCertificates, startPushService, verifyVapid, type TestPushService, type TestSubscriber } from '../helpers/push-service.js';
import { freePort } from '../helpers/temporal-server.js';

interface NtfyPost {
  headers: http.IncomingHttpHeaders;
  body: string;
  path: string;
}

/** An ntfy server stand-in on loopback: records every POST. */
async function startNtfy(): Promise<{ url: string; posts: NtfyPost[]; close(): Promise<void> }> {
  const posts: NtfyPost[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      posts.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), path: req.url ?? '' });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"x"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/opendispatch-test`,
    posts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const waitFor = async <T>(read: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('notifications: Web Push to a phone and a post to ntfy, from the gateway process', () => {
  let stack: DesktopStack;
  let pushService: TestPushService;
  let ntfy: Awaited<ReturnType<typeof startNtfy>>;
  let gateway: GatewayProcess;
  let env: NodeJS.ProcessEnv;
  let token: string;
  let publicKey: string;
  let phone: TestSubscriber;
  const api = (route: string, init: RequestInit = {}) =>
    fetch(`${gateway.base}${route}`, { ...init, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...init.headers } });
  const dispatch = async (prompt: string) => createdTaskSchema.parse(await (await api('/api/tasks', { method: 'POST', body: JSON.stringify({ prompt }) })).json()).id;
  const pushesFor = (subscription: string, taskId: string) =>
    pushService.received.filter((push) => push.id === subscription && push.status === 201).map((push) => pushPayloadSchema.parse(JSON.parse(phone.decrypt(push.body)))).filter((payload) => payload.taskId === taskId);
  /**
   * Runs one more task to its end and waits for its push: the watcher sends what it finds in
   * order, look after look, so anything it was going to send about earlier tasks is out by then.
   */
  const pushAfterwards = async (): Promise<string> => {
    stack.model.enqueue(endTurn('a later task'));
    const taskId = await dispatch('a later task');
    await waitFor(() => pushesFor('phone', taskId)[0], 'the later task\'s push', 30_000);
    return taskId;
  };

  beforeAll(async () => {
    stack = await startDesktopStack();
    await stack.startWorker();
    const certificates = await makeTestCertificates();
    pushService = await startPushService(certificates);
    ntfy = await startNtfy();
    const port = await freePort();
    env = {
      ...stack.env,
      DISPATCH_PORT: String(port),
      DISPATCH_HOST: '127.0.0.1',
      DISPATCH_SETUP_PORT: String(await freePort()),
      DISPATCH_PUBLIC_URL: `http://127.0.0.1:${port}`,
      DISPATCH_PUSH_ORIGINS: pushService.origin,
      DISPATCH_NTFY_URL: ntfy.url,
      DISPATCH_NTFY_TOKEN: 'tk_test_token',
      NODE_EXTRA_CA_CERTS: certificates.caFile,
    };
    // The phone is paired before the gateway starts: it reads the paired devices at start-up.
    const registry = await createDeviceRegistry({ file: stack.config.paths.devices });
    token = (await registry.register('Test phone')).token;
    await registry.flush();
    gateway = await startGatewayProcess(env);
    publicKey = ((await (await api('/api/push/vapid-public-key')).json()) as { publicKey: string }).publicKey;
    phone = makeSubscriber(pushService.endpoint('phone'));
    expect((await api('/api/push/subscriptions', { method: 'POST', body: JSON.stringify(phone.json) })).status).toBe(201);
  });

  afterAll(async () => {
    await gateway?.stop();
    await pushService?.close();
    await ntfy?.close();
    await stack?.stop();
  });

  it('refuses a subscription to a host that is not a push service it knows, with 422', async () => {
    for (const endpoint of ['https://evil.example/push/x', 'https://127.0.0.1:1/push/x', `${pushService.origin.replace('https', 'http')}/push/x`, 'https://fcm.googleapis.com.evil.example/fcm/send/x']) {
      const response = await api('/api/push/subscriptions', { method: 'POST', body: JSON.stringify({ ...phone.json, endpoint }) });
      expect(response.status, endpoint).toBe(422);
      expect(await response.json()).toMatchObject({ error: { field: 'endpoint' } });
    }
    const stored = await readFile(path.join(env.DISPATCH_HOME!, 'push', 'subscriptions.json'), 'utf8');
    expect(stored).not.toContain('evil');
  });

  it('pushes a finished task to the phone within seconds, encrypted to its keys and signed with VAPID, and posts it to ntfy without the result', async () => {
    stack.model.enqueue(endTurn('SECRET-RESULT: revenue was 42'));
    const taskId = await dispatch('Summarise the Q3 numbers\nfrom the sales sheet in Documents');
    const push = await pushService.next('phone', pushService.received.filter((p) => p.id === 'phone').length, 30_000);
    const payload = pushPayloadSchema.parse(JSON.parse(phone.decrypt(push.body)));
    expect(payload).toEqual({ taskId, status: 'succeeded', title: expect.any(String), body: 'Summarise the Q3 numbers', url: `/?task=${taskId}` });
    const claims = verifyVapid(push.headers, publicKey, pushService.origin);
    expect(claims.sub).toMatch(/^mailto:/);
    expect(push.headers).toMatchObject({ 'content-encoding': 'aes128gcm', urgency: 'normal' });
    expect(Number(push.headers.ttl)).toBeGreaterThan(0);

    // Soon after the task ended, not at some later sweep: a generous bound on a short poll.
    const closed = (await stack.client.workflow.getHandle(taskId).describe()).closeTime!;
    expect(push.receivedAt - closed.getTime()).toBeLessThan(5_000);

    const post = await waitFor(() => ntfy.posts.find((entry) => entry.headers.click?.includes(taskId)), 'the ntfy post');
    expect(post.headers).toMatchObject({ title: expect.stringMatching(/done/i), priority: 'default', tags: 'white_check_mark', authorization: 'Bearer tk_test_token', click: `${env.DISPATCH_PUBLIC_URL}/?task=${taskId}` });
    expect(post.body).toContain('Summarise the Q3 numbers');
    expect(post.body).not.toContain('SECRET');
    expect(post.body).not.toContain('sales sheet');
    expect(JSON.stringify(pushService.received.map((entry) => entry.body.toString('latin1')))).not.toContain('SECRET');
  });

  it('pushes a question with high urgency, once', async () => {
    stack.model.enqueue(toolUseReply({ name: 'ask_user', input: { question: 'Which month?', options: ['March', 'April'] } }));
    const taskId = await dispatch('File the invoices');
    const payload = await waitFor(() => pushesFor('phone', taskId).find((entry) => entry.status === 'needs_input'), 'the needs_input push', 30_000);
    expect(payload).toMatchObject({ taskId, status: 'needs_input', url: `/?task=${taskId}` });
    const raw = pushService.received.filter((entry) => entry.id === 'phone').at(-1)!;
    expect(raw.headers.urgency).toBe('high');
    const post = await waitFor(() => ntfy.posts.find((entry) => entry.headers.click?.includes(taskId)), 'the ntfy post');
    expect(post.headers).toMatchObject({ priority: 'high', tags: 'question' });
    expect(post.body).not.toContain('Which month');
    // The watcher looks again and again; once a later task's push is out it has looked since.
    await pushAfterwards();
    expect(pushesFor('phone', taskId)).toHaveLength(1);
    await api(`/api/tasks/${taskId}/cancel`, { method: 'POST' });
  });

  it('drops a subscription the push service says is gone (410), and sends it nothing more', async () => {
    const gone = makeSubscriber(pushService.endpoint('gone'));
    pushService.respond('gone', 410);
    expect((await api('/api/push/subscriptions', { method: 'POST', body: JSON.stringify(gone.json) })).status).toBe(201);
    stack.model.enqueue(endTurn('first'));
    const first = await dispatch('first task after a phone went away');
    await waitFor(() => pushesFor('phone', first)[0], 'the first push');
    await waitFor(() => pushService.received.find((entry) => entry.id === 'gone'), 'the push the service refuses with 410');
    expect(pushService.received.filter((entry) => entry.id === 'gone')).toHaveLength(1);
    const file = path.join(env.DISPATCH_HOME!, 'push', 'subscriptions.json');
    await expect.poll(async () => readFile(file, 'utf8'), { timeout: 15_000 }).not.toContain('/push/gone');

    stack.model.enqueue(endTurn('second'));
    const second = await dispatch('second task after a phone went away');
    await waitFor(() => pushesFor('phone', second)[0], 'the second push');
    expect(pushService.received.filter((entry) => entry.id === 'gone')).toHaveLength(1);
  });

  it('after a gateway restart, pushes what finished while it was down, once, and repeats nothing', async () => {
    // A task already pushed before the stop: the restarted gateway must not push it again.
    await pushAfterwards();
    const before = pushService.received.length;
    await gateway.stop();
    stack.model.enqueue(endTurn('done while the gateway was down'));
    const taskId = await startTask(stack.client, stack.config, { prompt: 'finished while the gateway was stopped', desktopId: stack.desktopId });
    await stack.client.workflow.getHandle(taskId).result();
    gateway = await startGatewayProcess(env);
    await waitFor(() => pushesFor('phone', taskId)[0], 'the push after the restart', 20_000);
    // Whatever the restarted gateway would repeat, it sends in its first looks, before a later task's push.
    const later = await pushAfterwards();
    const after = pushService.received.slice(before).filter((entry) => entry.id === 'phone').map((entry) => pushPayloadSchema.parse(JSON.parse(phone.decrypt(entry.body))));
    expect(after.map((payload) => payload.taskId)).toEqual([taskId, later]);
  });
});
