import type { RequestHandler } from 'express';
import type { Device, DeviceRegistry } from './device-registry.js';
import { unauthorized } from './http-error.js';

declare global {
  namespace Express {
    interface Locals {
      /** The paired phone making the request, set by {@link requireDevice}. */
      device?: Device;
    }
  }
}

/**
 * What a device token may look like wherever it arrives (the `Authorization` header of a request
 * or of the event socket's upgrade, or the socket's `auth` message): RFC 6750's b64token, at most
 * 200 characters. The tokens this gateway issues are base64url, well inside it. One rule, so a
 * token that opens the API opens the event socket too, and one refused by either is refused by both.
 */
export const DEVICE_TOKEN_PATTERN = /^[A-Za-z0-9._~+/-]+=*$/;
/** The longest device token accepted anywhere; the `auth` message's schema allows the same. */
export const MAX_DEVICE_TOKEN_LENGTH = 200;

/** Whether `token` has the shape of a device token (see {@link DEVICE_TOKEN_PATTERN}); says nothing of whether it is paired. */
export function isWellFormedToken(token: unknown): token is string {
  return typeof token === 'string' && token.length <= MAX_DEVICE_TOKEN_LENGTH && DEVICE_TOKEN_PATTERN.test(token);
}

/**
 * The token in an `Authorization: Bearer <token>` header (scheme in any case, RFC 7235), or
 * undefined when absent or malformed. The one parser of bearer headers: HTTP routes and the event
 * socket's upgrade both use it.
 */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer +(\S+)$/i.exec(header.trim());
  return match && isWellFormedToken(match[1]) ? match[1] : undefined;
}

/** The paired device a token belongs to, or undefined (also for a malformed token). For the event socket's upgrade header and `auth` message. */
export function authenticateToken(registry: DeviceRegistry, token: unknown): Device | undefined {
  return isWellFormedToken(token) ? registry.authenticate(token) : undefined;
}

/**
 * Middleware for routes only a paired phone may use: a missing, malformed, unknown or revoked
 * token is a 401 with `WWW-Authenticate`, so the phone knows to pair again. On success the device
 * is `res.locals.device`.
 */
export function requireDevice(registry: DeviceRegistry): RequestHandler {
  return (req, res, next) => {
    const token = bearerToken(req.headers.authorization);
    const device = token ? authenticateToken(registry, token) : undefined;
    if (!device) throw unauthorized();
    res.locals.device = device;
    next();
  };
}
