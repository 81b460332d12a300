import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { apiErrorSchema } from '../common/api-schemas.js';
import type { Logger } from '../common/logger.js';
import { defineRoute } from './define-route.js';
import { DEVICE_ID_PATTERN, deviceNameSchema, type Device, type DeviceRegistry } from './device-registry.js';
import { forbidden, notFound } from './http-error.js';
import { createLoopbackGuard, requireSameOrigin } from './loopback.js';
import type { PairingCodes } from './pairing-codes.js';
import { normalizePublicUrl, pairingUrl } from './pairing-routes.js';
import { renderConnectorsSection } from './setup-connectors.js';
import { desktopFacts, readDesktop, renderTasksSections, type DesktopSources } from './setup-desktop.js';
import { keepAwakeFact, monitorFact, renderFoldersSection } from './setup-settings.js';
import { SETUP_STYLESHEET } from './setup-styles.js';
import { escapeHtml, timeHtml } from './html.js';
import type { McpStatusReport } from '../common/mcp-status.js';
import type { ChosenMonitorNow } from '../worker/adapters/x11-monitors.js';
import type { KeepAwakeReport } from '../worker/keep-awake-state.js';

export { escapeHtml };

export interface SetupRouterOptions {
  codes: PairingCodes;
  registry: DeviceRegistry;
  publicUrl: string;
  /** The folders the agent may use. */
  roots: string[];
  /** The desktop worker's last keep-awake report (worker/keep-awake-state.ts `readKeepAwakeState`). */
  keepAwake: () => KeepAwakeReport;
  /** This desktop's worker and tasks, read from Temporal; the worker line and task lists are left out without it. */
  desktop?: DesktopSources;
  /** What DISPATCH_MONITOR resolves to now (`resolveChosenMonitor`); the monitor line is left out without it. */
  monitor?: () => Promise<ChosenMonitorNow>;
  /** The desktop worker's report on its MCP servers (worker/mcp-status-file.ts `readMcpStatus`); the section is left out without it. */
  mcpServers?: () => McpStatusReport | undefined;
  logger: Logger;
  /** Replaces the loopback test; for tests. */
  isLoopback?: (address: string | undefined) => boolean;
}

const deviceParamsSchema = z.object({ id: z.string().regex(DEVICE_ID_PATTERN, 'not a paired phone') });
const renameFormSchema = z.object({ csrf: z.string(), name: deviceNameSchema });
const revokeFormSchema = z.object({ csrf: z.string() });

function deviceRow(device: Device, csrf: string): string {
  const id = encodeURIComponent(device.id);
  const hidden = `<input type="hidden" name="csrf" value="${escapeHtml(csrf)}">`;
  return `<tr><td>${escapeHtml(device.name)}</td><td>${timeHtml(device.createdAt)}</td><td>${timeHtml(device.lastSeenAt)}</td><td>
<form method="post" action="/setup/devices/${id}/rename">${hidden}<input type="text" name="name" value="${escapeHtml(device.name)}" required maxlength="64" aria-label="New name for ${escapeHtml(device.name)}"><button>Rename</button></form>
<form method="post" action="/setup/devices/${id}/revoke">${hidden}<button class="danger">Unpair</button></form></td></tr>`;
}

/** What the monitor line says when the resolver itself failed, which it is not meant to. */
const unresolvable = (error: unknown): ChosenMonitorNow => ({ resolved: false, reason: error instanceof Error ? error.message : String(error) });

/**
 * `/setup`: the desktop-only page to see this desktop's worker, tasks, keep-awake and monitor,
 * pair a phone by QR code, rename or unpair phones, and see the granted folders and how to
 * change them. It is shown even when Temporal cannot be reached, and says so. Loopback only,
 * every route. Its forms carry a per-process CSRF token and are refused from any other origin,
 * because any web page open in the desktop's browser can post to 127.0.0.1. No inline script or
 * style, so the gateway's CSP holds.
 */
export function createSetupRouter(options: SetupRouterOptions): Router {
  const { codes, registry, roots, keepAwake, logger } = options;
  const publicUrl = normalizePublicUrl(options.publicUrl);
  const csrfToken = randomBytes(32).toString('base64url');
  const csrfDigest = createHash('sha256').update(csrfToken).digest();
  const router = Router();

  const requireCsrfToken: RequestHandler = (req, _res, next) => {
    const presented = typeof req.body?.csrf === 'string' ? req.body.csrf : '';
    if (!timingSafeEqual(createHash('sha256').update(presented).digest(), csrfDigest)) {
      throw forbidden('This form has expired (the desktop restarted, or it came from another page). Reload the setup page and try again.');
    }
    next();
  };

  router.use('/setup', createLoopbackGuard({ trust: options.isLoopback }), (_req, res, next) => {
    res.set({ 'Cache-Control': 'no-store', 'Cross-Origin-Resource-Policy': 'same-origin', 'Referrer-Policy': 'same-origin' });
    next();
  });
  const form = [express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 }), requireSameOrigin, requireCsrfToken];

  const page = { method: 'get', auth: 'loopback', responses: { 200: 'text/html', 403: apiErrorSchema } } as const;

  defineRoute(router, { ...page, path: '/setup/setup.css', summary: "The setup page's stylesheet", responses: { 200: 'text/css', 403: apiErrorSchema } }, (_input, _req, res) => {
    res.type('css').send(SETUP_STYLESHEET);
  });

  defineRoute(router, { ...page, path: '/setup', summary: "The setup page: this desktop's worker and tasks, pair a phone, rename or unpair phones" }, async (_input, _req, res) => {
    const [reading, monitor] = await Promise.all([
      options.desktop ? readDesktop(options.desktop, logger) : undefined,
      options.monitor?.().catch(unresolvable),
    ]);
    const link = pairingUrl(publicUrl, codes.current().code);
    const devices = registry.list().sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const facts = [
      ...(options.desktop && reading ? desktopFacts(options.desktop, reading) : []),
      keepAwakeFact(keepAwake()),
      ...(monitor ? [monitorFact(monitor)] : []),
    ];
    const section = (html: string): string => `<section>\n${html}\n</section>`;
    res.type('html').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><meta name="referrer" content="same-origin"><title>OpenDispatch setup</title><link rel="stylesheet" href="/setup/setup.css"></head>
<body><main><h1>OpenDispatch on this desktop</h1>
${section(`<h2>This desktop</h2>\n<ul class="facts">\n${facts.map((fact) => `<li>${fact}</li>`).join('\n')}\n</ul>`)}
${options.desktop && reading ? section(renderTasksSections(options.desktop, reading)) : ''}
${section(`<h2>Pair a phone</h2>
<p>Scan this with the phone's camera. The code works once, for a few minutes; reload this page for a fresh one.</p>
<img class="qr" src="/pair/qr.png" alt="QR code that opens the pairing link" width="320" height="320">
<p>Or open <code>${escapeHtml(link)}</code> on the phone.</p>`)}
${section(`<h2>Paired phones</h2>
${devices.length === 0 ? '<p class="muted">No phone is paired yet.</p>' : `<table><thead><tr><th>Name</th><th>Paired</th><th>Last seen</th><th></th></tr></thead><tbody>
${devices.map((device) => deviceRow(device, csrfToken)).join('\n')}
</tbody></table>`}`)}
${section(renderFoldersSection(roots))}
${options.mcpServers ? section(renderConnectorsSection(options.mcpServers())) : ''}
</main></body></html>
`);
  });

  const formRoute = {
    method: 'post',
    auth: 'loopback',
    before: form,
    bodyType: 'form',
    params: deviceParamsSchema,
    responses: { 303: 'redirect', 403: apiErrorSchema, 404: apiErrorSchema, 422: apiErrorSchema },
  } as const;

  defineRoute(router, { ...formRoute, path: '/setup/devices/:id/rename', summary: 'Rename a paired phone', body: renameFormSchema }, async ({ params: { id }, body: { name } }, _req, res) => {
    if (!(await registry.rename(id, name))) throw notFound('That phone');
    logger.info('phone renamed', { deviceId: id, name });
    res.redirect(303, '/setup');
  });

  defineRoute(router, { ...formRoute, path: '/setup/devices/:id/revoke', summary: 'Unpair a phone: its token stops working at once', body: revokeFormSchema }, async ({ params: { id } }, _req, res) => {
    if (!(await registry.revoke(id))) throw notFound('That phone');
    logger.info('phone unpaired', { deviceId: id });
    res.redirect(303, '/setup');
  });

  return router;
}
