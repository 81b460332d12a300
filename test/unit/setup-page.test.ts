import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskList, TaskSummary } from '../../common/api-schemas.js';
import { desktopTasks } from '../../gateway/desktop-tasks.js';
import { createDeviceRegistry, type DeviceRegistry } from '../../gateway/device-registry.js';
import { createPairingCodes } from '../../gateway/pairing-codes.js';
import type { DesktopSources } from '../../gateway/setup-desktop.js';
import { createSetupRouter, escapeHtml, type SetupRouterOptions } from '../../gateway/setup-page.js';
import { resolveChosenMonitor } from '../../worker/adapters/x11-monitors.js';
import { createKeepAwake } from '../../worker/keep-awake.js';
import { readKeepAwakeState, writeKeepAwakeState } from '../../worker/keep-awake-state.js';
import { eventually } from '../helpers/async.js';
import { buildGatewayTestApp, listen, type ListeningApp } from '../helpers/gateway-test-app.js';

const quiet = { info() {}, warn() {}, error() {} };

/** The page as a person reads it: tags dropped, entities decoded, whitespace collapsed. */
const textOf = (html: string): string =>
  html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

const DESKTOP = 'ana-desk';
const task = (id: string, fields: Partial<TaskSummary> = {}): TaskSummary => ({
  id,
  prompt: `prompt of ${id}`,
  desktopId: DESKTOP,
  status: 'succeeded',
  createdAt: '2026-03-01T09:15:00.000Z',
  ...fields,
});

/** Two pages of the task list, shared with another desktop on the same Temporal. */
const PAGES: Record<string, TaskList> = {
  first: {
    tasks: [
      task('task-now', { status: 'running', prompt: '<script>alert("task")</script> tidy <b>Downloads</b>\nthen tell me', currentStep: 'Clicking "Sort by date"' }),
      task('task-elsewhere', { status: 'running', desktopId: 'bob-laptop', prompt: 'a task on another desktop' }),
      task('task-asks', { status: 'needs_input', currentStep: 'Asking: which folder?' }),
      task('task-done', { prompt: 'rename the invoices' }),
    ],
    nextCursor: 'second',
  },
  second: { tasks: [task('task-failed', { status: 'failed', prompt: 'print the report' }), task('task-old-elsewhere', { desktopId: 'bob-laptop' })] },
};
const listTasks = async ({ cursor }: { cursor?: string }): Promise<TaskList> => PAGES[cursor ?? 'first']!;

const sources = (overrides: Partial<DesktopSources> = {}): DesktopSources => ({
  desktopId: DESKTOP,
  temporal: { address: '127.0.0.1:7233', namespace: 'default', webUi: 'http://127.0.0.1:8233' },
  worker: async () => ({ online: true, lastSeen: '2026-03-01T09:20:00.000Z' }),
  tasks: () => desktopTasks(listTasks, DESKTOP),
  ...overrides,
});

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
    await serve();
  });

  /** Serves the page again with these options in place of the defaults. */
  async function serve(options: Partial<SetupRouterOptions> = {}): Promise<void> {
    await server?.close();
    const setup = createSetupRouter({
      codes: createPairingCodes(),
      registry,
      publicUrl: 'http://192.0.2.10:8787',
      roots: ['/home/ana/Documents', '/tmp/<odd>'],
      keepAwake: () => ({ mode: 'systemd-inhibit', active: true }),
      logger: quiet,
      isLoopback: () => loopback,
      ...options,
    });
    server = await listen(buildGatewayTestApp([setup]));
  }

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

  it("shows the worker online and this desktop's current and recent tasks, each linked to its workflow in the Temporal Web UI", async () => {
    await serve({ desktop: sources() });
    const { html } = await page();
    const text = textOf(html);
    expect(text).toContain('Desktop: ana-desk');
    expect(text).toContain("Worker: Online Temporal sees this desktop's worker polling its task queue desktop-ana-desk.");
    expect(text).toContain('Temporal: 127.0.0.1:7233, namespace default. Web UI: http://127.0.0.1:8233.');

    const current = text.slice(text.indexOf('Current tasks'), text.indexOf('Recent tasks'));
    expect(current).toContain('<script>alert("task")</script> tidy <b>Downloads</b> Running Clicking "Sort by date" task-now');
    expect(current).not.toContain('then tell me');
    expect(current).toContain('prompt of task-asks Needs your answer Asking: which folder? task-asks');
    const recent = text.slice(text.indexOf('Recent tasks'), text.indexOf('Pair a phone'));
    expect(recent).toMatch(/rename the invoices Succeeded given .+ task-done/);
    expect(recent).toMatch(/print the report Failed given .+ task-failed/);
    expect(text).not.toContain('another desktop');
    expect(text).not.toContain('task-old-elsewhere');
    expect(html).toContain('<time datetime="2026-03-01T09:15:00.000Z">');

    for (const id of ['task-now', 'task-asks', 'task-done', 'task-failed']) {
      expect(html).toContain(`<a href="http://127.0.0.1:8233/namespaces/default/workflows/${id}" target="_blank" rel="noopener noreferrer"`);
    }
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;script&gt;alert(&quot;task&quot;)&lt;/script&gt; tidy &lt;b&gt;Downloads&lt;/b&gt;');
    expect(html).not.toMatch(/\sstyle=|\son[a-z]+=/i);
  });

  it('says when the worker is offline, and since when', async () => {
    await serve({ desktop: sources({ worker: async () => ({ online: false, lastSeen: '2026-03-01T08:00:00.000Z' }) }) });
    const { html } = await page();
    expect(textOf(html)).toMatch(/Worker: Offline Temporal has not heard from this desktop's worker \(task queue desktop-ana-desk\) since .+\. Tasks given to it wait until it is back\./);
    expect(html).toContain('<time datetime="2026-03-01T08:00:00.000Z">');
  });

  it('still shows the page, pairing included, when Temporal cannot be reached or does not answer', async () => {
    const refused = async () => {
      throw new Error('14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:7233');
    };
    await serve({ desktop: sources({ worker: refused, tasks: refused }) });
    let { html } = await page();
    let text = textOf(html);
    expect(text).toContain('Worker: Unknown cannot reach Temporal at 127.0.0.1:7233 (14 UNAVAILABLE: No connection established.');
    expect(text).toContain("Cannot list this desktop's tasks: cannot reach Temporal at 127.0.0.1:7233");
    expect(html).toContain('<img class="qr" src="/pair/qr.png"');
    expect(text).toContain('Keep-awake:');

    const never = () => new Promise<never>(() => {});
    await serve({ desktop: sources({ worker: never, tasks: never, timeoutMs: 100 }) });
    ({ html } = await page());
    text = textOf(html);
    expect(text).toContain('Worker: Unknown cannot reach Temporal at 127.0.0.1:7233 (no answer within 0.1 s).');
    expect(text).toContain("Cannot list this desktop's tasks: cannot reach Temporal at 127.0.0.1:7233 (no answer within 0.1 s)");
    expect(html).toContain('<img class="qr" src="/pair/qr.png"');
  });

  it('links no workflow when the Temporal Web UI is not known (an external Temporal), and names the workflows instead', async () => {
    await serve({ desktop: sources({ temporal: { address: 'temporal.example.net:7233', namespace: 'prod' } }) });
    const { html } = await page();
    expect(html).not.toContain('/namespaces/');
    expect(html).toContain('<code>task-now</code>');
    expect(textOf(html)).toContain("Temporal: temporal.example.net:7233, namespace prod. Its Web UI is not known to this desktop (TEMPORAL_ADDRESS points at another server); look up the workflow ids below in your cluster's Web UI.");
  });

  it('says keep-awake is not available, and why, while a task runs on a desktop that cannot be kept awake', async () => {
    // The worker's own keep-awake with an inhibitor that refuses, as systemd-inhibit does without a logind session.
    const keepAwake = createKeepAwake({
      logger: quiet,
      inhibitor: { command: 'sh', args: ['-c', 'echo "Failed to inhibit: Access denied" >&2; exit 1'] },
      onChange: (state) => writeKeepAwakeState(dir, state),
    });
    const working = keepAwake.hold();
    await serve({ desktop: sources(), keepAwake: () => readKeepAwakeState(dir) });
    const text = await eventually(async () => textOf((await page()).html), (said) => said.includes('not available'), 10_000);
    expect(text).toContain('Keep-awake: not available: sh exited with code 1: Failed to inhibit: Access denied.');
    expect(text).toContain('Running Clicking "Sort by date"');
    expect(text).not.toMatch(/no task is running|not held awake/i);
    working();
    keepAwake.stop();
  });

  it('says what holds the desktop awake, and says nothing it does not know', async () => {
    expect(textOf((await page()).html)).toContain('Keep-awake: on: systemd-inhibit holds the desktop awake while a task works on it.');
    await serve({ keepAwake: () => ({ mode: 'systemd-inhibit', active: false }) });
    expect(textOf((await page()).html)).toContain('Keep-awake: ready: systemd-inhibit holds the desktop awake while a task works on it; it holds nothing right now.');
    await serve({ keepAwake: () => readKeepAwakeState(dir) });
    expect(textOf((await page()).html)).toContain('Keep-awake: unknown: the desktop worker has not reported yet.');
  });

  it('shows the monitor the agent uses and where it is now, or why it cannot be found', async () => {
    // xrandr as the display answers it, a script on PATH: the resolver runs it as it runs the real one.
    const bin = path.join(dir, 'bin');
    await mkdir(bin);
    await writeFile(path.join(bin, 'xrandr'), `#!/bin/sh\nprintf 'Monitors: 2\\n 0: +*DP-1 2560/600x1440/340+0+0  DP-1\\n 1: +HDMI-1 1920/510x1080/287+2560+0  HDMI-1\\n'\n`);
    await chmod(path.join(bin, 'xrandr'), 0o755);
    const env = { DISPLAY: ':7', PATH: bin };

    await serve({ monitor: () => resolveChosenMonitor('HDMI-1', { env }) });
    expect(textOf((await page()).html)).toContain('Monitor: DISPATCH_MONITOR=HDMI-1: HDMI-1, 1920×1080 at +2560+0.');
    await serve({ monitor: () => resolveChosenMonitor(undefined, { env }) });
    expect(textOf((await page()).html)).toContain('Monitor: primary monitor (DISPATCH_MONITOR is not set): DP-1, 2560×1440 at +0+0.');
    await serve({ monitor: () => resolveChosenMonitor('HDMI-2', { env }) });
    expect(textOf((await page()).html)).toContain(
      'Monitor: DISPATCH_MONITOR=HDMI-2, cannot be resolved now: no monitor "HDMI-2" is connected now (connected: DP-1, HDMI-1). A task that uses the screen stops with a reason until it can be.',
    );
    await serve({ monitor: () => resolveChosenMonitor(undefined, { env: { PATH: bin } }) });
    expect(textOf((await page()).html)).toContain('Monitor: primary monitor (DISPATCH_MONITOR is not set), cannot be resolved now: there is no X display (DISPLAY is not set).');
  });

  it('says how to change the granted folders: DISPATCH_ROOTS, then start OpenDispatch again', async () => {
    const text = textOf((await page()).html);
    expect(text).toContain(`To change them: Set DISPATCH_ROOTS to the folders, separated by ${path.delimiter}. Now it is DISPATCH_ROOTS=/home/ana/Documents${path.delimiter}/tmp/<odd>.`);
    expect(text).toContain('Start OpenDispatch again: stop it (Ctrl+C in its terminal) and run opendispatch start (npm start in its folder). The folders are read only when it starts.');
    expect(text).toContain('If it runs as a login service, run opendispatch service uninstall, then opendispatch service install from a shell where DISPATCH_ROOTS is set');
  });

  it('follows the phone page\'s look, light and dark, from a stylesheet the CSP allows', async () => {
    const { html } = await page();
    expect(html).toContain('<meta name="color-scheme" content="light dark">');
    expect(html).not.toMatch(/<style|\sstyle=/i);
    const css = await (await fetch(`${server.base}/setup/setup.css`)).text();
    expect(css).toContain('color-scheme:light dark');
    expect(css).toContain("font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif");
    expect(css).toMatch(/@media \(prefers-color-scheme:dark\)\{:root\{--bg:#0f172a;[^}]*--text:#e2e8f0/);
  });

  it('escapes every HTML-significant character', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  });
});
