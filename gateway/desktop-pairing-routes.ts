import { Router, type RequestHandler } from 'express';
import { apiErrorSchema, issuedPairingCodeSchema } from '../common/api-schemas.js';
import type { Logger } from '../common/logger.js';
import { defineRoute } from './define-route.js';
import { createLoopbackGuard, requireSameOrigin } from './loopback.js';
import type { PairingCodes } from './pairing-codes.js';
import { normalizePublicUrl, pairingUrl, renderQrPng } from './pairing-routes.js';

/** What the desktop's pairing routes need: the codes, and where the links they make point. */
export interface DesktopPairingRouterOptions {
  codes: PairingCodes;
  /** Where phones reach the gateway (http or https, no path); the QR code points here. */
  publicUrl: string;
  logger: Logger;
  /** Replaces the loopback test; for tests. */
  isLoopback?: (address: string | undefined) => boolean;
}

const error = apiErrorSchema;

const desktopOnlyHeaders: RequestHandler = (_req, res, next) => {
  res.set({ 'Cache-Control': 'no-store', 'Cross-Origin-Resource-Policy': 'same-origin' });
  next();
};

/**
 * `GET /pair/qr.png` and `POST /pair/code`: hand out pairing codes, for the setup listener only,
 * which is bound to loopback. The loopback guard stays as a second wall: it refuses a Host that is
 * not a loopback name (DNS rebinding in the desktop's browser) and proxy headers, and
 * `requireSameOrigin` refuses a cross-site post from a page in that browser.
 */
export function createDesktopPairingRouter(options: DesktopPairingRouterOptions): Router {
  const { codes, logger } = options;
  const publicUrl = normalizePublicUrl(options.publicUrl);
  const desktopOnly = [createLoopbackGuard({ trust: options.isLoopback }), desktopOnlyHeaders];
  const router = Router();

  defineRoute(
    router,
    { method: 'get', path: '/pair/qr.png', summary: 'The current pairing QR code', auth: 'loopback', before: desktopOnly, responses: { 200: 'image/png', 403: error } },
    async (_input, _req, res) => {
      const png = await renderQrPng(pairingUrl(publicUrl, codes.current().code));
      res.type('png').send(png);
    },
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: '/pair/code',
      summary: 'Issue a fresh one-time pairing code (for `opendispatch pair`)',
      auth: 'loopback',
      before: [...desktopOnly, requireSameOrigin],
      responses: { 201: issuedPairingCodeSchema, 403: error },
    },
    (_input, _req, res) => {
      const { code, expiresAt } = codes.issue();
      logger.info('pairing code issued', { expiresAt });
      res.status(201).json(issuedPairingCodeSchema.parse({ url: pairingUrl(publicUrl, code), expiresAt }));
    },
  );

  return router;
}
