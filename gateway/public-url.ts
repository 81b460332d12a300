import net from 'node:net';
import os from 'node:os';

/** Whether DISPATCH_HOST names every interface (or is unset), rather than one address. */
export function listensEverywhere(host: string | undefined): boolean {
  return host === undefined || host === '' || host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** A host as it goes in a URL: IPv6 addresses in brackets. */
export function urlHost(host: string): string {
  return net.isIPv6(host) ? `[${host}]` : host;
}

/**
 * The address phones reach this desktop at: DISPATCH_PUBLIC_URL when set (a VPN name, a tunnel);
 * otherwise the one address the gateway listens on when DISPATCH_HOST names one (a Tailscale
 * address, say), since nothing answers anywhere else; otherwise http on this machine's first LAN
 * IPv4 address, which works for a phone on the same Wi-Fi. Loopback is the last resort, and only
 * the desktop itself can use it.
 */
export function resolvePublicUrl(options: { configured?: string; port: number; host?: string; interfaces?: ReturnType<typeof os.networkInterfaces> }): string {
  if (options.configured) return options.configured;
  if (!listensEverywhere(options.host)) return `http://${urlHost(options.host!)}:${options.port}`;
  const interfaces = options.interfaces ?? os.networkInterfaces();
  const lan = Object.values(interfaces)
    .flat()
    .find((entry) => entry !== undefined && entry.family === 'IPv4' && !entry.internal);
  return `http://${lan?.address ?? '127.0.0.1'}:${options.port}`;
}

/**
 * Where this machine itself reaches the phone listener: loopback when it listens everywhere,
 * otherwise the one address it listens on (127.0.0.1 then answers nothing).
 */
export function localGatewayUrl(host: string | undefined, port: number): string {
  return `http://${listensEverywhere(host) ? '127.0.0.1' : urlHost(host!)}:${port}`;
}
