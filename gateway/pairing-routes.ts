import { Router, type RequestHandler } from 'express';
import QRCode from 'qrcode';
import { apiErrorSchema, issuedPairingCodeSchema, pairRequestSchema, pairResponseSchema } from '../common/api-schemas.js';
import type { Logger } from '../common/logger.js';
import { defineRoute } from './define-route.js';
import type { DeviceRegistry } from './device-registry.js';
import { HttpError } from './http-error.js';
import { createLoopbackGuard, requireSameOrigin } from './loopback.js';
import type { PairingCodes } from './pairing-codes.js';
import type { FailureLimiter } from './rate-limiter.js';

export interface PairingRouterOptions {
  codes: PairingCodes;
  registry: DeviceRegistry;
  limiter: FailureLimiter;
  /** Where phones reach the gateway (http or https, no path); the QR code points here. */
  publicUrl: string;
  logger: Logger;
  /** Replaces the loopback test of the desktop-only routes; for tests. */
  isLoopback?: (address: string | undefined) => boolean;
}

/**
 * Checks a public URL once, at start-up, and returns it without a trailing slash. A URL the phone
 * cannot open (not http/https, or with a fragment that would swallow the code) is a config error.
 */
export function normalizePublicUrl(publicUrl: string): string {
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new RangeError(`The public URL "${publicUrl}" is not a URL; use e.g. http://192.168.1.20:8787`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hash || url.search || url.username || url.password) {
    throw new RangeError(`The public URL "${publicUrl}" must be a plain http:// or https:// address without query, fragment or credentials`);
  }
  return url.href.replace(/\/+$/, '');
}

/** The link a phone opens to pair: the phone client, with the one-time code in the fragment so it never reaches a server log. */
export function pairingUrl(publicUrl: string, code: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/#pair=${code}`;
}

/** A QR code for a terminal (compact, two rows per character), for `opendispatch start` and `pair`. */
export function renderTerminalQr(url: string): Promise<string> {
  return QRCode.toString(url, { type: 'terminal', small: true, errorCorrectionLevel: 'M' });
}

/** A PNG of the QR code for a pairing link, for the setup page. */
export function renderQrPng(url: string): Promise<Buffer> {
  return QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 320 });
}

const error = apiErrorSchema;

const desktopOnlyHeaders: RequestHandler = (_req, res, next) => {
  res.set({ 'Cache-Control': 'no-store', 'Cross-Origin-Resource-Policy': 'same-origin' });
  next();
};

/**
 * Pairing: `POST /api/pair` redeems a one-time code for a device token; `GET /pair/qr.png` and
 * `POST /pair/code` hand out codes, to the desktop itself only. Failed attempts are limited per
 * client address and in total; a limited attempt is refused before its code is even looked at,
 * so it neither succeeds nor uses up a right code. Codes and tokens are never logged.
 * Expects `express.json()` to have parsed `/api` bodies (createApp does).
 */
export function createPairingRouter(options: PairingRouterOptions): Router {
  const { codes, registry, limiter, logger } = options;
  const publicUrl = normalizePublicUrl(options.publicUrl);
  const desktopOnly = [createLoopbackGuard({ trust: options.isLoopback }), desktopOnlyHeaders];
  const router = Router();

  const refuseWhileLimited: RequestHandler = (req, _res, next) => {
    const client = req.socket.remoteAddress ?? 'unknown';
    const verdict = limiter.check(client);
    if (!verdict.allowed) {
      logger.warn('pairing attempt refused: too many wrong codes', { client });
      throw new HttpError(429, 'too_many_attempts', `Too many wrong pairing codes. Wait ${verdict.retryAfterSeconds} seconds, then scan a fresh QR code.`, undefined, {
        'Retry-After': String(verdict.retryAfterSeconds),
      });
    }
    next();
  };

  defineRoute(
    router,
    {
      method: 'post',
      path: '/api/pair',
      summary: 'Pair a phone with a one-time code from the QR',
      auth: false,
      before: [refuseWhileLimited],
      body: pairRequestSchema,
      responses: { 201: pairResponseSchema, 400: error, 401: error, 413: error, 422: error, 429: error },
    },
    async ({ body }, req, res) => {
      const client = req.socket.remoteAddress ?? 'unknown';
      if (!codes.redeem(body.code)) {
        limiter.recordFailure(client);
        logger.warn('pairing attempt with a wrong, used or expired code', { client });
        throw new HttpError(401, 'invalid_pairing_code', 'This pairing code is wrong, expired or was already used. Scan a fresh QR code on the desktop and try again.', 'code', {
          'WWW-Authenticate': 'Bearer realm="opendispatch"',
        });
      }
      const { deviceId, token } = await registry.register(body.name);
      logger.info('phone paired', { deviceId, name: body.name, client });
      res.status(201).set('Cache-Control', 'no-store').json(pairResponseSchema.parse({ token, deviceId }));
    },
  );

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
