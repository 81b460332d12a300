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
import type { McpStatusReport } from '../common/mcp-status.js';

export interface SetupRouterOptions {
  codes: PairingCodes;
  registry: DeviceRegistry;
  publicUrl: string;
  /** The folders the agent may use. */
  roots: string[];
  keepAwake: () => { mode: string; active: boolean };
  /** The desktop worker's report on its MCP servers (worker/mcp-status-file.ts `readMcpStatus`); the section is left out without it. */
  mcpServers?: () => McpStatusReport | undefined;
  logger: Logger;
  /** Replaces the loopback test; for tests. */
  isLoopback?: (address: string | undefined) => boolean;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Makes text safe inside HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);
}

const deviceParamsSchema = z.object({ id: z.string().regex(DEVICE_ID_PATTERN, 'not a paired phone') });
const renameFormSchema = z.object({ csrf: z.string(), name: deviceNameSchema });
const revokeFormSchema = z.object({ csrf: z.string() });

const STYLESHEET = `body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}
.qr{display:block;width:16rem;height:16rem;image-rendering:pixelated;border:1px solid #ddd}
code{word-break:break-all;background:#f3f3f3;padding:.1rem .3rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem;border-bottom:1px solid #eee;vertical-align:top}
form{display:inline-flex;gap:.3rem;margin:.1rem 0}input[type=text]{width:11rem}
.muted{color:#666}.danger{color:#a40000}
`;

const when = (iso: string | undefined): string =>
  iso ? `<time datetime="${escapeHtml(iso)}">${escapeHtml(new Date(iso).toLocaleString())}</time>` : '<span class="muted">never</span>';

function deviceRow(device: Device, csrf: string): string {
  const id = encodeURIComponent(device.id);
  const hidden = `<input type="hidden" name="csrf" value="${escapeHtml(csrf)}">`;
  return `<tr><td>${escapeHtml(device.name)}</td><td>${when(device.createdAt)}</td><td>${when(device.lastSeenAt)}</td><td>
<form method="post" action="/setup/devices/${id}/rename">${hidden}<input type="text" name="name" value="${escapeHtml(device.name)}" required maxlength="64" aria-label="New name for ${escapeHtml(device.name)}"><button>Rename</button></form>
<form method="post" action="/setup/devices/${id}/revoke">${hidden}<button class="danger">Unpair</button></form></td></tr>`;
}

/**
 * `/setup`: the desktop-only page to pair a phone by QR code, rename or unpair phones, and see
 * the granted folders and keep-awake state. Loopback only, every route. Its forms carry a
 * per-process CSRF token and are refused from any other origin, because any web page open in the
 * desktop's browser can post to 127.0.0.1. No inline script or style, so the gateway's CSP holds.
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
    res.type('css').send(STYLESHEET);
  });

  defineRoute(router, { ...page, path: '/setup', summary: 'The setup page: pair a phone, rename or unpair phones' }, (_input, _req, res) => {
    const link = pairingUrl(publicUrl, codes.current().code);
    const devices = registry.list().sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const awake = keepAwake();
    res.type('html').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin"><title>OpenDispatch setup</title><link rel="stylesheet" href="/setup/setup.css"></head>
<body><h1>OpenDispatch on this desktop</h1>
<h2>Pair a phone</h2>
<p>Scan this with the phone's camera. The code works once, for a few minutes; reload this page for a fresh one.</p>
<img class="qr" src="/pair/qr.png" alt="QR code that opens the pairing link" width="320" height="320">
<p>Or open <code>${escapeHtml(link)}</code> on the phone.</p>
<h2>Paired phones</h2>
${devices.length === 0 ? '<p class="muted">No phone is paired yet.</p>' : `<table><thead><tr><th>Name</th><th>Paired</th><th>Last seen</th><th></th></tr></thead><tbody>
${devices.map((device) => deviceRow(device, csrfToken)).join('\n')}
</tbody></table>`}
<h2>Folders the agent may use</h2>
<ul>${roots.map((root) => `<li><code>${escapeHtml(root)}</code></li>`).join('')}</ul>
<h2>Keeping the desktop awake</h2>
<p>${awake.active ? 'Kept awake now, while tasks run' : 'Not held awake now (no task is running)'} — method: ${escapeHtml(awake.mode)}.</p>
${options.mcpServers ? renderConnectorsSection(options.mcpServers()) : ''}
</body></html>
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
