import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Router } from 'express';
import jsQRModule from 'jsqr';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiErrorSchema, pairResponseSchema } from '../../common/api-schemas.js';
import { requireDevice } from '../../gateway/auth.js';
import { createDeviceRegistry, type DeviceRegistry } from '../../gateway/device-registry.js';
import { createPairingCodes, type PairingCodes } from '../../gateway/pairing-codes.js';
import { createDesktopPairingRouter } from '../../gateway/desktop-pairing-routes.js';
import { createPairingRouter, pairingUrl } from '../../gateway/pairing-routes.js';
import { createFailureLimiter } from '../../gateway/rate-limiter.js';
import { buildGatewayTestApp, listen, type ListeningApp } from '../helpers/gateway-test-app.js';

// jsQR is a CommonJS bundle whose types declare an ES default export; take whichever is callable.
const jsQR = ((jsQRModule as unknown as { default?: typeof jsQRModule }).default ?? jsQRModule) as unknown as (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const PUBLIC_URL = 'http://192.0.2.10:8787';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('pairing a phone over HTTP', () => {
  let dir: string;
  let now: number;
  let codes: PairingCodes;
  let registry: DeviceRegistry;
  let server: ListeningApp;
  let loopback: boolean;
  const logged: string[] = [];
  const logger = { info: (m: string, f?: object) => logged.push(JSON.stringify([m, f])), warn: (m: string, f?: object) => logged.push(JSON.stringify([m, f])), error: () => {} };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'od-pairing-'));
    now = Date.parse('2030-01-01T09:00:00Z');
    loopback = true;
    logged.length = 0;
    const clock = () => now;
    codes = createPairingCodes({ clock });
    registry = await createDeviceRegistry({ file: path.join(dir, 'devices.json'), clock });
    const limiter = createFailureLimiter({ perKeyLimit: 5, globalLimit: 30, windowMs: 60_000, clock });
    const protectedRoutes = Router();
    protectedRoutes.get('/api/whoami', requireDevice(registry), (_req, res) => {
      res.json({ id: res.locals.device!.id, name: res.locals.device!.name });
    });
    const pairing = createPairingRouter({ codes, registry, limiter, logger });
    const desktopPairing = createDesktopPairingRouter({ codes, publicUrl: `${PUBLIC_URL}/`, logger, isLoopback: () => loopback });
    server = await listen(buildGatewayTestApp([pairing, desktopPairing, protectedRoutes]));
  });

  afterEach(async () => {
    await server.close();
    await registry.flush();
    await rm(dir, { recursive: true, force: true });
  });

  const pair = (body: unknown, init: RequestInit = {}) =>
    fetch(`${server.base}/api/pair`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), ...init });
  const whoami = (token: string) => fetch(`${server.base}/api/whoami`, { headers: { authorization: `Bearer ${token}` } });
  const issueCode = async () => {
    const response = await fetch(`${server.base}/pair/code`, { method: 'POST' });
    expect(response.status).toBe(201);
    const { url, expiresAt } = (await response.json()) as { url: string; expiresAt: string };
    expect(url.startsWith(`${PUBLIC_URL}/#pair=`)).toBe(true);
    expect(Date.parse(expiresAt) - now).toBe(10 * 60_000);
    return url.slice(url.indexOf('#pair=') + '#pair='.length);
  };
  const expectError = async (response: Response, status: number, code: string, field?: string) => {
    expect(response.status).toBe(status);
    const body = apiErrorSchema.parse(await response.json());
    expect(body.error.code).toBe(code);
    if (field) expect(body.error.field).toBe(field);
    return body.error;
  };

  it('a phone pairs with a fresh code and its token opens protected routes', async () => {
    const code = await issueCode();
    expect(code).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    const response = await pair({ code, name: '  Ana’s phone ' });
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { token, deviceId } = pairResponseSchema.parse(await response.json());
    expect(token).toMatch(/^[A-Za-z0-9_-]{43,}$/);

    const me = await whoami(token);
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ id: deviceId, name: 'Ana’s phone' });
    expect(registry.list()).toEqual([expect.objectContaining({ id: deviceId, name: 'Ana’s phone', lastSeenAt: new Date(now).toISOString() })]);
    expect(logged.join('\n')).not.toContain(code);
    expect(logged.join('\n')).not.toContain(token);
  });

  it('protected routes answer 401 with WWW-Authenticate for a missing, malformed or unknown token', async () => {
    for (const authorization of [undefined, 'Basic YWxhZGRpbjpvcGVu', 'Bearer', 'Bearer not-a-token', `Bearer ${'A'.repeat(43)}`]) {
      const response = await fetch(`${server.base}/api/whoami`, { headers: authorization ? { authorization } : {} });
      await expectError(response, 401, 'unauthorized');
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="opendispatch"');
    }
  });

  it('a code works once: using it again is a 401 that says to scan a fresh QR code', async () => {
    const code = await issueCode();
    expect((await pair({ code, name: 'First' })).status).toBe(201);
    const error = await expectError(await pair({ code, name: 'Second' }), 401, 'invalid_pairing_code', 'code');
    expect(error.message).toMatch(/scan a fresh QR code/i);
    expect(registry.list().map((device) => device.name)).toEqual(['First']);
  });

  it('an expired code is refused', async () => {
    const code = await issueCode();
    now += 10 * 60_000;
    await expectError(await pair({ code, name: 'Late' }), 401, 'invalid_pairing_code');
    expect(registry.list()).toEqual([]);
  });

  it('after five wrong guesses from one address its wrong codes get 429 with Retry-After, and the code the desktop shows still pairs', async () => {
    const code = await issueCode();
    for (let guess = 0; guess < 5; guess++) {
      await expectError(await pair({ code: `wrong-${guess}-${'x'.repeat(20)}`, name: 'Mallory' }), 401, 'invalid_pairing_code');
    }
    now += 10_000;
    const limited = await pair({ code: 'wrong-again', name: 'Mallory' });
    const error = await expectError(limited, 429, 'too_many_attempts');
    expect(error.message).toMatch(/a code it shows always works/);
    expect(limited.headers.get('retry-after')).toBe('50');

    const response = await pair({ code, name: 'Ana' });
    expect(response.status).toBe(201);
    expect(registry.list().map((device) => device.name)).toEqual(['Ana']);
    expect(logged.filter((line) => line.includes('now answered 429'))).toHaveLength(1);
  });

  it('a flood of wrong codes from many addresses locks out guessing only: a freshly minted code still pairs, from anywhere', async () => {
    // Each request leaves from its own loopback address (127.0.0.2, …), so the gateway sees distinct clients.
    const pairFrom = (address: string, body: unknown) =>
      new Promise<{ status: number; retryAfter?: string }>((resolve, reject) => {
        const { port } = new URL(server.base);
        const request = http.request({ host: '127.0.0.1', port, path: '/api/pair', method: 'POST', localAddress: address, headers: { 'content-type': 'application/json' } }, (response) => {
          response.resume().on('end', () => resolve({ status: response.statusCode!, retryAfter: response.headers['retry-after'] as string | undefined }));
        });
        request.on('error', reject);
        request.end(JSON.stringify(body));
      });
    const floods = Array.from({ length: 8 }, (_, i) => `127.0.0.${i + 2}`);
    const statuses: number[] = [];
    for (const address of floods) {
      for (let guess = 0; guess < 8; guess++) statuses.push((await pairFrom(address, { code: `guess-${address}-${guess}`, name: 'Mallory' })).status);
    }
    expect(statuses.filter((status) => status === 401)).toHaveLength(30);
    expect(statuses.filter((status) => status === 429)).toHaveLength(64 - 30);
    const fromNewcomer = await pairFrom('127.0.0.42', { code: 'one-more-guess', name: 'Mallory' });
    expect(fromNewcomer).toMatchObject({ status: 429, retryAfter: expect.stringMatching(/^\d+$/) });

    expect((await pairFrom(floods[0]!, { code: await issueCode(), name: 'Ana (same address as a flooder)' })).status).toBe(201);
    expect((await pairFrom('127.0.0.43', { code: await issueCode(), name: 'Ben' })).status).toBe(201);
    expect((await pair({ code: codes.current().code, name: 'Cleo' })).status).toBe(201);
    expect(registry.list().map((device) => device.name).sort()).toEqual(['Ana (same address as a flooder)', 'Ben', 'Cleo']);
  });

  it('refuses malformed requests with the field at fault and registers nothing', async () => {
    const code = await issueCode();
    await expectError(await pair({ code }), 422, 'invalid_request', 'name');
    await expectError(await pair({ code, name: '   ' }), 422, 'invalid_request', 'name');
    await expectError(await pair({ code, name: 'x'.repeat(65) }), 422, 'invalid_request', 'name');
    await expectError(await pair({ code, name: 'Ana', admin: true }), 422, 'invalid_request');
    await expectError(await pair({ code: 'c'.repeat(201), name: 'Ana' }), 422, 'invalid_request', 'code');
    await expectError(await pair({ code: 42, name: 'Ana' }), 422, 'invalid_request', 'code');
    await expectError(await pair(undefined, { body: '{"code": "abc", ' }), 400, 'malformed_json');
    await expectError(await pair(undefined, { headers: { 'content-type': 'text/plain' }, body: `code=${code}&name=Ana` }), 422, 'invalid_request');
    expect(registry.list()).toEqual([]);
    expect((await pair({ code, name: 'Ana' })).status).toBe(201);
  });

  it('an unpaired phone is refused at once', async () => {
    const { token } = pairResponseSchema.parse(await (await pair({ code: await issueCode(), name: 'Old phone' })).json());
    expect((await whoami(token)).status).toBe(200);
    await registry.revoke(registry.list()[0]!.id);
    await expectError(await whoami(token), 401, 'unauthorized');
  });

  it('the desktop shows a QR code (PNG, never cached) whose link pairs a phone', async () => {
    const response = await fetch(`${server.base}/pair/qr.png`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    const png = Buffer.from(await response.arrayBuffer());
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const link = jsQR(new Uint8ClampedArray(data), info.width, info.height)?.data;
    expect(link).toBe(pairingUrl(PUBLIC_URL, codes.current().code));
    expect(link).toMatch(/^http:\/\/192\.0\.2\.10:8787\/#pair=[A-Za-z0-9_-]{22,}$/);
    expect((await pair({ code: new URL(link!).hash.slice('#pair='.length), name: 'Scanned' })).status).toBe(201);
    expect(codes.current().code).not.toBe(new URL(link!).hash.slice('#pair='.length));
  });

  it('refuses the QR code and new codes to anyone but the desktop itself', async () => {
    loopback = false;
    const qr = await fetch(`${server.base}/pair/qr.png`);
    await expectError(qr, 403, 'forbidden');
    expect(qr.headers.get('content-type')).toMatch(/^application\/json/);
    await expectError(await fetch(`${server.base}/pair/code`, { method: 'POST' }), 403, 'forbidden');
  });

  it('refuses the QR code through another host name or a proxy on the desktop', async () => {
    // fetch() cannot set Host, so this one request is made with node:http.
    const dnsRebound = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.get(`${server.base}/pair/qr.png`, { headers: { host: 'attacker.example:8787' } }, (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve({ status: response.statusCode!, body }));
      });
      request.on('error', reject);
    });
    expect(dnsRebound.status).toBe(403);
    expect(JSON.parse(dnsRebound.body)).toMatchObject({ error: { code: 'forbidden' } });
    await expectError(await fetch(`${server.base}/pair/qr.png`, { headers: { 'x-forwarded-for': '203.0.113.9' } }), 403, 'forbidden');
    await expectError(await fetch(`${server.base}/pair/code`, { method: 'POST', headers: { origin: 'https://attacker.example' } }), 403, 'forbidden');
    expect((await fetch(`${server.base.replace('127.0.0.1', 'localhost')}/pair/qr.png`)).status).toBe(200);
  });
});
