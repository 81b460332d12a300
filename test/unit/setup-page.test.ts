import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDeviceRegistry, type DeviceRegistry } from '../../gateway/device-registry.js';
import { createPairingCodes } from '../../gateway/pairing-codes.js';
import { createSetupRouter, escapeHtml } from '../../gateway/setup-page.js';
import { buildGatewayTestApp, listen, type ListeningApp } from '../helpers/gateway-test-app.js';

const quiet = { info() {}, warn() {}, error() {} };

describe('the setup page on the desktop', () => {
  let dir: string;
  let registry: DeviceRegistry;
  let server: ListeningApp;
  let loopback: boolean;
  let phone: { deviceId: string; token: string };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'od-setup-'));
    loopback = true;
    registry = await createDeviceRegistry({ file: path.join(dir, 'devices.json') });
    phone = await registry.register('<script>alert("pwned")</script> & Co');
    const setup = createSetupRouter({
      codes: createPairingCodes(),
      registry,
      publicUrl: 'http://192.0.2.10:8787',
      roots: ['/home/ana/Documents', '/tmp/<odd>'],
      keepAwake: () => ({ mode: 'systemd-inhibit', active: true }),
      logger: quiet,
      isLoopback: () => loopback,
    });
    server = await listen(buildGatewayTestApp([setup]));
  });

  afterEach(async () => {
    await server.close();
    await registry.flush();
    await rm(dir, { recursive: true, force: true });
  });

  const page = async () => {
    const response = await fetch(`${server.base}/setup`);
    expect(response.status).toBe(200);
    return { response, html: await response.text() };
  };
  const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1]!;
  const submit = (action: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${server.base}${action}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields).toString(),
    });

  it('shows the QR code, the pairing link, paired phones (names as text), folders and keep-awake state', async () => {
    const { response, html } = await page();
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('same-origin');
    expect(html).toContain('<img class="qr" src="/pair/qr.png"');
    expect(html).toMatch(/<code>http:\/\/192\.0\.2\.10:8787\/#pair=[A-Za-z0-9_-]{22,}<\/code>/);
    expect(html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; Co');
    expect(html).not.toContain('<script');
    expect(html).not.toMatch(/\sstyle=|\son[a-z]+=/i);
    expect(html).toContain('<link rel="stylesheet" href="/setup/setup.css">');
    expect(html).toContain('/home/ana/Documents');
    expect(html).toContain('/tmp/&lt;odd&gt;');
    expect(html).toContain('systemd-inhibit');
    expect(html).toContain(`action="/setup/devices/${phone.deviceId}/revoke"`);

    const css = await fetch(`${server.base}/setup/setup.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('renames and unpairs a phone through its forms, then returns to the page', async () => {
    const csrf = csrfOf((await page()).html);
    const renamed = await submit(`/setup/devices/${phone.deviceId}/rename`, { csrf, name: 'Ana’s phone' }, { origin: server.base });
    expect(renamed.status).toBe(303);
    expect(renamed.headers.get('location')).toBe('/setup');
    expect(registry.list()[0]!.name).toBe('Ana’s phone');
    expect((await page()).html).toContain('Ana’s phone');

    const revoked = await submit(`/setup/devices/${phone.deviceId}/revoke`, { csrf });
    expect(revoked.status).toBe(303);
    expect(registry.list()).toEqual([]);
    expect(registry.authenticate(phone.token)).toBeUndefined();
    expect((await page()).html).toContain('No phone is paired yet.');
  });

  it('refuses form posts without the CSRF token, from another origin, or for an unknown phone', async () => {
    const csrf = csrfOf((await page()).html);
    const revoke = `/setup/devices/${phone.deviceId}/revoke`;
    for (const attempt of [
      submit(revoke, {}),
      submit(revoke, { csrf: `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}` }),
      submit(revoke, { csrf }, { origin: 'https://attacker.example' }),
      submit(revoke, { csrf }, { origin: 'null' }),
      submit(revoke, { csrf }, { 'sec-fetch-site': 'cross-site' }),
      submit(`/setup/devices/${phone.deviceId}/rename`, { name: 'Hijacked' }, { origin: server.base }),
    ]) {
      const response = await attempt;
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: { code: 'forbidden' } });
    }
    expect(registry.list().map((device) => device.id)).toEqual([phone.deviceId]);

    expect((await submit('/setup/devices/dev_AAAAAAAAAAAAAAAA/revoke', { csrf })).status).toBe(404);
    const empty = await submit(`/setup/devices/${phone.deviceId}/rename`, { csrf, name: '  ' });
    expect(empty.status).toBe(422);
    expect(await empty.json()).toMatchObject({ error: { field: 'name' } });
  });

  it('is not served to anyone but the desktop itself', async () => {
    loopback = false;
    for (const response of [await fetch(`${server.base}/setup`), await fetch(`${server.base}/setup/setup.css`), await submit(`/setup/devices/${phone.deviceId}/revoke`, {})]) {
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: { code: 'forbidden' } });
    }
    expect(registry.list()).toHaveLength(1);
  });

  it('escapes every HTML-significant character', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  });
});
