import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createLogger } from '../../common/logger.js';
import { authenticateToken, bearerToken, isWellFormedToken, requireDevice } from '../../gateway/auth.js';
import type { DeviceRegistry } from '../../gateway/device-registry.js';
import { createEventHub } from '../../gateway/event-hub.js';
import type { TaskService } from '../../gateway/task-service.js';
import { buildGatewayTestApp } from '../helpers/gateway-test-app.js';

const TOKEN = 'AbC_-123456789012345678901234567890123456789';
/** Tokens the registry knows: one as the gateway issues them, one using the rest of RFC 6750's alphabet. */
const known = new Set([TOKEN, 'a.b~c+d/e=']);
const registry = { authenticate: (token: string) => (known.has(token) ? { id: `dev-${token.length}`, name: 'phone', createdAt: '' } : undefined) } as unknown as DeviceRegistry;

describe('bearer tokens: one parser, one set of rules', () => {
  it.each([
    [`Bearer ${TOKEN}`, TOKEN],
    [`bearer ${TOKEN}`, TOKEN],
    [`BEARER   ${TOKEN}  `, TOKEN],
    ['Bearer a.b~c+d/e=', 'a.b~c+d/e='],
    ['Bearer', undefined],
    ['Bearer ', undefined],
    [`Basic ${TOKEN}`, undefined],
    [`Bearer ${TOKEN} extra`, undefined],
    ['Bearer tok en', undefined],
    ['Bearer to"ken', undefined],
    ['Bearer =abc', undefined],
    [`Bearer ${'A'.repeat(201)}`, undefined],
    [undefined, undefined],
  ])('%s → %s', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it('refuses malformed tokens before the registry sees them, whichever way they arrive', () => {
    let asked = 0;
    const counting = { authenticate: () => (asked++, undefined) } as unknown as DeviceRegistry;
    for (const token of ['', 'a b', 'x'.repeat(201), 42, undefined]) expect(authenticateToken(counting, token)).toBeUndefined();
    expect(asked).toBe(0);
    expect(isWellFormedToken(TOKEN)).toBe(true);
  });
});

describe('the API and the event socket agree on every Authorization header', () => {
  let server: http.Server;
  let base: string;
  const quiet = createLogger('test', () => {});

  beforeAll(async () => {
    const routes = Router();
    routes.get('/api/whoami', requireDevice(registry), (_req, res) => {
      res.json({ id: res.locals.device!.id });
    });
    const hub = createEventHub({
      tasks: { runningIds: async () => [] } as unknown as TaskService,
      desktops: async () => [],
      authenticate: (token) => authenticateToken(registry, token),
      stillPaired: () => true,
      logger: quiet,
    });
    server = http.createServer(buildGatewayTestApp([routes]));
    hub.attach(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const httpAccepts = async (authorization: string) => (await fetch(`http://${base}/api/whoami`, { headers: { authorization } })).status === 200;
  const socketAccepts = (authorization: string) =>
    new Promise<boolean>((resolve) => {
      const socket = new WebSocket(`ws://${base}/api/events`, { headers: { authorization } });
      socket.once('unexpected-response', () => resolve(false));
      socket.once('message', () => {
        socket.close();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  const messageAccepts = (token: string) =>
    new Promise<boolean>((resolve) => {
      const socket = new WebSocket(`ws://${base}/api/events`);
      socket.once('open', () => socket.send(JSON.stringify({ type: 'auth', token })));
      socket.once('message', () => {
        socket.close();
        resolve(true);
      });
      socket.once('close', () => resolve(false));
    });

  it.each([`Bearer ${TOKEN}`, `bearer ${TOKEN}`, 'Bearer a.b~c+d/e=', 'Bearer wrong-token', `Basic ${TOKEN}`, 'Bearer a b', `Bearer ${TOKEN}=`])('%s', async (authorization) => {
    const expected = bearerToken(authorization) !== undefined && known.has(bearerToken(authorization)!);
    expect(await httpAccepts(authorization)).toBe(expected);
    expect(await socketAccepts(authorization)).toBe(expected);
    const token = authorization.replace(/^\S+ /, '');
    expect(await messageAccepts(token)).toBe(isWellFormedToken(token) && known.has(token));
  });
});
