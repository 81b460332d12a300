import net from 'node:net';
import type { Request, RequestHandler } from 'express';
import { forbidden } from './http-error.js';

const loopback = new net.BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');
loopback.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

/**
 * Whether a socket's peer address is this machine: 127.0.0.0/8, ::1, or an IPv4-mapped
 * ::ffff:127.x.x.x. Anything else, including undefined (a closed socket), is not.
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const family = net.isIP(address);
  if (family === 0) return false;
  return loopback.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** Host names a browser on the desktop uses for the gateway; anything else is DNS rebinding. */
function isLoopbackHost(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  let host: string;
  try {
    host = new URL(`http://${hostHeader}`).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host === 'localhost') return true;
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return isLoopbackAddress(bare);
}

/** Headers a reverse proxy adds; a proxy on the desktop makes a remote phone look like loopback. */
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip'] as const;

export interface LoopbackGuardOptions {
  /** Whether a peer address is this machine. Tests replace it; the default is {@link isLoopbackAddress}. */
  trust?: (address: string | undefined) => boolean;
}

/**
 * Middleware that answers 403 unless the request comes from the desktop itself. Access is
 * granted by the socket's peer address only; headers can only take it away: a Host that is not
 * a loopback name (a DNS-rebinding page in the desktop's browser) or a proxy's forwarding headers
 * (a tunnel on the desktop relaying a remote request) are refused too.
 */
export function createLoopbackGuard(options: LoopbackGuardOptions = {}): RequestHandler {
  const trust = options.trust ?? isLoopbackAddress;
  return (req: Request, _res, next) => {
    if (!trust(req.socket.remoteAddress)) {
      throw forbidden('This page is only available on the desktop itself (open it at http://127.0.0.1).');
    }
    if (!isLoopbackHost(req.headers.host) || PROXY_HEADERS.some((name) => req.headers[name] !== undefined)) {
      throw forbidden('Open this page as http://127.0.0.1 or http://localhost on the desktop itself, not through another name or a proxy.');
    }
    next();
  };
}

/**
 * Middleware for state-changing loopback routes: refuses a request a page from another origin
 * made in the desktop's browser (a cross-site form post to 127.0.0.1). Requests without browser
 * provenance headers, such as the CLI's, pass; put it after the loopback guard, which checks Host.
 */
export const requireSameOrigin: RequestHandler = (req, _res, next) => {
  const origin = req.headers.origin;
  const site = req.headers['sec-fetch-site'];
  if ((origin !== undefined && origin !== `${req.protocol}://${req.headers.host}`) || (site !== undefined && site !== 'same-origin')) {
    throw forbidden('This request came from another web page; use the setup page on this desktop instead.');
  }
  next();
};
