import { issuedPairingCodeSchema } from '../common/api-schemas.js';
import type { DispatchConfig } from '../common/config.js';
import { renderTerminalQr } from '../gateway/pairing-routes.js';

/**
 * `opendispatch pair`: asks the running gateway's setup listener (127.0.0.1:DISPATCH_SETUP_PORT,
 * bound to loopback whatever DISPATCH_HOST says) for a fresh one-time pairing code and prints its
 * QR code. Only a process on the desktop itself can do this. The link points where the gateway
 * says phones reach it, so it follows DISPATCH_HOST and DISPATCH_PUBLIC_URL.
 */
export async function runPairCommand(config: Readonly<DispatchConfig>, write: (text: string) => void): Promise<number> {
  const port = config.gateway.setupPort;
  let response: Response;
  try {
    response = await fetch(`http://127.0.0.1:${port}/pair/code`, { method: 'POST' });
  } catch {
    write(`OpenDispatch's gateway is not answering on its setup port ${port} (DISPATCH_SETUP_PORT). Start it with \`npm start\`.\n`);
    return 69;
  }
  if (response.status !== 201) {
    write(`The gateway refused to issue a pairing code (HTTP ${response.status}).\n`);
    return 1;
  }
  const { url, expiresAt } = issuedPairingCodeSchema.parse(await response.json());
  write(`Scan this with your phone's camera, or open ${url}\nIt works once, until ${new Date(expiresAt).toLocaleTimeString()}.\n`);
  write(`${await renderTerminalQr(url)}\n`);
  return 0;
}
