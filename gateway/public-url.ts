import os from 'node:os';

/**
 * The address phones reach this desktop at: DISPATCH_PUBLIC_URL when set (a VPN name, a tunnel),
 * otherwise http on this machine's first LAN IPv4 address, which works for a phone on the same
 * Wi-Fi. Loopback is the last resort, and only the desktop itself can use it.
 */
export function resolvePublicUrl(options: { configured?: string; port: number; interfaces?: ReturnType<typeof os.networkInterfaces> }): string {
  if (options.configured) return options.configured;
  const interfaces = options.interfaces ?? os.networkInterfaces();
  const lan = Object.values(interfaces)
    .flat()
    .find((entry) => entry !== undefined && entry.family === 'IPv4' && !entry.internal);
  return `http://${lan?.address ?? '127.0.0.1'}:${options.port}`;
}
