import { Router } from 'express';
import QRCode from 'qrcode';
import { apiErrorSchema, pairRequestSchema, pairResponseSchema } from '../common/api-schemas.js';
import type { Logger } from '../common/logger.js';
import { defineRoute } from './define-route.js';
import type { DeviceRegistry } from './device-registry.js';
import { HttpError } from './http-error.js';
import type { PairingCodes } from './pairing-codes.js';
import { clientKeyOf, type FailureLimiter } from './rate-limiter.js';

export interface PairingRouterOptions {
  codes: PairingCodes;
  registry: DeviceRegistry;
  limiter: FailureLimiter;
  logger: Logger;
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

/**
 * `POST /api/pair`, on the public listener: redeems a one-time code for a device token. The code
 * is checked first, in constant time, so a code the desktop showed always pairs, however many
 * wrong ones came before it from wherever. Only wrong codes count against the limits (per client
 * address, IPv6 by /64, and in total, which a tunnel that shows everyone as 127.0.0.1 cannot get
 * round); past either limit a wrong code is answered 429 with Retry-After instead of 401. A code
 * carries 128 random bits, so guessing is hopeless either way; the limits keep a guesser cheap to
 * serve and quiet in the log. Codes and tokens are never logged. Expects `express.json()` to have
 * parsed `/api` bodies (createApp does).
 */
export function createPairingRouter(options: PairingRouterOptions): Router {
  const { codes, registry, limiter, logger } = options;
  const router = Router();

  defineRoute(
    router,
    {
      method: 'post',
      path: '/api/pair',
      summary: 'Pair a phone with a one-time code from the QR',
      auth: false,
      body: pairRequestSchema,
      responses: { 201: pairResponseSchema, 400: error, 401: error, 413: error, 422: error, 429: error },
    },
    async ({ body }, req, res) => {
      const client = clientKeyOf(req.socket.remoteAddress);
      if (codes.redeem(body.code)) {
        const { deviceId, token } = await registry.register(body.name);
        logger.info('phone paired', { deviceId, name: body.name, client });
        res.status(201).set('Cache-Control', 'no-store').json(pairResponseSchema.parse({ token, deviceId }));
        return;
      }
      const verdict = limiter.check(client);
      if (!verdict.allowed) {
        throw new HttpError(
          429,
          'too_many_attempts',
          `Too many wrong pairing codes. Wait ${verdict.retryAfterSeconds} seconds, or scan the QR code on the desktop: a code it shows always works.`,
          undefined,
          { 'Retry-After': String(verdict.retryAfterSeconds) },
        );
      }
      limiter.recordFailure(client);
      const limited = !limiter.check(client).allowed;
      logger.warn(limited ? 'wrong pairing code; wrong codes are now answered 429 for a while' : 'pairing attempt with a wrong, used or expired code', { client });
      throw new HttpError(401, 'invalid_pairing_code', 'This pairing code is wrong, expired or was already used. Scan a fresh QR code on the desktop and try again.', 'code', {
        'WWW-Authenticate': 'Bearer realm="opendispatch"',
      });
    },
  );

  return router;
}
