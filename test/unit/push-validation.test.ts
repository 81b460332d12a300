import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Router, type RequestHandler } from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../common/config.js';
import { createDeviceRegistry } from '../../gateway/device-registry.js';
import { isAllowedPushEndpoint } from '../../gateway/push-endpoints.js';
import { createPushRouter } from '../../gateway/push-routes.js';
import { createPushSubscriptions, type PushSubscriptions } from '../../gateway/push-subscriptions.js';
import { loadVapidKeys } from '../../gateway/vapid-keys.js';
import { buildGatewayTestApp, listen, type ListeningApp } from '../helpers/gateway-test-app.js';

const EXTRA = ['https://push.example.org', 'https://127.0.0.1:8443'];
const KEYS = { p256dh: `B${'A'.repeat(86)}`, auth: 'AAAAAAAAAAAAAAAAAAAAAA' };

describe('which push services the desktop posts to', () => {
  it('takes the browsers\' push services and the configured origins, and nothing else', () => {
    for (const endpoint of [
      'https://fcm.googleapis.com/fcm/send/abc',
      'https://updates.push.services.mozilla.com/wpush/v2/abc',
      'https://web.push.apple.com/QGx',
      'https://wns2-par02p.notify.windows.com/w/?token=abc',
      'https://push.example.org/sub/1',
      'https://127.0.0.1:8443/push/a',
    ]) {
      expect(isAllowedPushEndpoint(endpoint, EXTRA), endpoint).toBe(true);
    }
    for (const endpoint of [
      'http://fcm.googleapis.com/fcm/send/abc',
      'https://fcm.googleapis.com:8443/fcm/send/abc',
      'https://user:pw@fcm.googleapis.com/fcm/send/abc',
      'https://fcm.googleapis.com.evil.example/x',
      'https://evilfcm.googleapis.com/x',
      'https://notify.windows.com/x',
      'https://evil.notify.windows.com.example/x',
      'https://127.0.0.1:8444/push/a',
      'https://127.0.0.1/push/a',
      'https://169.254.169.254/latest/meta-data',
      'not a url',
    ]) {
      expect(isAllowedPushEndpoint(endpoint, EXTRA), endpoint).toBe(false);
    }
  });

  it('refuses a DISPATCH_PUSH_ORIGINS entry that is not an https origin, naming the variable', () => {
    expect(loadConfig({ DISPATCH_PUSH_ORIGINS: ' https://a.example , https://127.0.0.1:9 ' }).push.extraOrigins).toEqual(['https://a.example', 'https://127.0.0.1:9']);
    for (const bad of ['http://a.example', 'https://a.example/path', 'a.example']) {
      expect(() => loadConfig({ DISPATCH_PUSH_ORIGINS: bad }), bad).toThrow(/DISPATCH_PUSH_ORIGINS/);
    }
    expect(() => loadConfig({ DISPATCH_NTFY_URL: 'ftp://x' })).toThrow(ConfigError);
    expect(() => loadConfig({ DISPATCH_NTFY_TOKEN: 'tk' })).toThrow(/DISPATCH_NTFY_URL/);
    expect(loadConfig({ DISPATCH_PUBLIC_URL: 'https://desk.example.net' }).push.subject).toBe('https://desk.example.net');
    expect(loadConfig({ DISPATCH_PUBLIC_URL: 'http://192.168.1.5:8787' }).push.subject).toMatch(/^mailto:/);
  });
});

describe('push subscriptions over HTTP', () => {
  let dir: string;
  let subscriptions: PushSubscriptions;
  let server: ListeningApp;
  let device = 'dev_AAAAAAAAAAAAAAAA';

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'od-push-'));
    subscriptions = await createPushSubscriptions({ file: path.join(dir, 'push', 'subscriptions.json') });
    const asDevice: RequestHandler = (_req, res, next) => {
      res.locals.device = { id: device, name: 'phone', createdAt: new Date().toISOString() };
      next();
    };
    const router = createPushRouter({ publicKey: 'BPUBLIC', subscriptions, allowed: (endpoint) => isAllowedPushEndpoint(endpoint, EXTRA) });
    const mounted = Router();
    mounted.use('/api', asDevice, router);
    server = await listen(buildGatewayTestApp([mounted]));
  });

  afterEach(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const send = (method: string, body: unknown) =>
    fetch(`${server.base}/api/push/subscriptions`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('answers 422 for a body that is not a PushSubscription, or an endpoint that is no known push service', async () => {
    const good = { endpoint: 'https://fcm.googleapis.com/fcm/send/x', expirationTime: null, keys: KEYS };
    for (const [body, field] of [
      [{ ...good, endpoint: 'https://evil.example/push' }, 'endpoint'],
      [{ ...good, endpoint: 'https://127.0.0.1:9999/push' }, 'endpoint'],
      [{ ...good, endpoint: 'http://fcm.googleapis.com/fcm/send/x' }, 'endpoint'],
      [{ ...good, keys: { ...KEYS, p256dh: 'short' } }, 'keys.p256dh'],
      [{ ...good, keys: { p256dh: KEYS.p256dh } }, 'keys.auth'],
      [{ ...good, keys: { ...KEYS, auth: 'not base64url!!!!!!!!!' } }, 'keys.auth'],
      [{ ...good, extra: 1 }, undefined],
      [{ keys: KEYS }, 'endpoint'],
    ] as const) {
      const response = await send('POST', body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      if (field) expect(((await response.json()) as { error: { field?: string } }).error.field).toBe(field);
    }
    expect(subscriptions.list()).toEqual([]);

    const created = await send('POST', good);
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ endpoint: good.endpoint, deviceId: device });
    const file = path.join(dir, 'push', 'subscriptions.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toContain(device);
  });

  it('lets only the phone that subscribed remove its subscription, and forgets a revoked phone\'s', async () => {
    const endpoint = 'https://updates.push.services.mozilla.com/wpush/v2/abc';
    expect((await send('POST', { endpoint, keys: KEYS })).status).toBe(201);
    device = 'dev_BBBBBBBBBBBBBBBB';
    expect(await (await send('DELETE', { endpoint })).json()).toEqual({ removed: false });
    expect(subscriptions.list()).toHaveLength(1);
    device = 'dev_AAAAAAAAAAAAAAAA';
    expect(await (await send('DELETE', { endpoint })).json()).toEqual({ removed: true });
    expect(subscriptions.list()).toHaveLength(0);

    const registry = await createDeviceRegistry({ file: path.join(dir, 'devices.json'), onRevoke: async (id) => void (await subscriptions.removeDevice(id)) });
    const { deviceId } = await registry.register('Ana\'s phone');
    device = deviceId;
    expect((await send('POST', { endpoint, keys: KEYS })).status).toBe(201);
    await registry.revoke(deviceId);
    expect(subscriptions.list()).toEqual([]);
  });

  it('makes the VAPID key pair once, keeps it private, and serves the public half', async () => {
    const file = path.join(dir, 'push', 'vapid.json');
    const first = await loadVapidKeys(file);
    expect(first.publicKey).toMatch(/^B[A-Za-z0-9_-]{86}$/);
    expect(await loadVapidKeys(file)).toEqual(first);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const response = await fetch(`${server.base}/api/push/vapid-public-key`);
    expect(await response.json()).toEqual({ publicKey: 'BPUBLIC' });
  });
});
