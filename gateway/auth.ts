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

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i;

/** The paired device a token belongs to, or undefined. For the WebSocket hub's `auth` message and upgrade header. */
export function authenticateToken(registry: DeviceRegistry, token: unknown): Device | undefined {
  return typeof token === 'string' ? registry.authenticate(token) : undefined;
}

/** The token in an `Authorization: Bearer <token>` header, or undefined when absent or malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  return header ? BEARER.exec(header.trim())?.[1] : undefined;
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
