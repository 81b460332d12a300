import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import jsQRModule from 'jsqr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPairCommand } from '../../cli/pair.js';
import { loadConfig, type DispatchConfig } from '../../common/config.js';
import { createLogger } from '../../common/logger.js';
import { startGateway, type RunningGateway } from '../../gateway/gateway.js';
import { connectClient } from '../../worker/temporal-connection.js';
import { freePort, startTestTemporal, type TestTemporal } from '../helpers/temporal-server.js';

// jsQR is a CommonJS bundle whose types declare an ES default export; take whichever is callable.
const jsQR = ((jsQRModule as unknown as { default?: typeof jsQRModule }).default ?? jsQRModule) as unknown as (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;

/** One address of this machine that is not 127.0.0.1, as a Tailscale address is: the gateway listens there only. */
const ONLY_ADDRESS = '127.0.0.2';

describe('pairing when DISPATCH_HOST names one address (the README\'s Tailscale advice)', () => {
  let temporal: TestTemporal;
  let client: Client;
  let config: Readonly<DispatchConfig>;
  let gateway: RunningGateway;
  let port: number;

  beforeAll(async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'opendispatch-host-'));
    temporal = await startTestTemporal({ home });
    port = await freePort();
    config = loadConfig({
      DISPATCH_HOME: home,
      DISPATCH_DESKTOP_ID: 'tailnet-desktop',
      DISPATCH_TEMPORAL_PORT: String(temporal.port),
      DISPATCH_TEMPORAL_UI_PORT: String(temporal.uiPort),
      DISPATCH_PORT: String(port),
      DISPATCH_SETUP_PORT: String(await freePort()),
      DISPATCH_HOST: ONLY_ADDRESS,
    });
    client = await connectClient(config.temporal);
    gateway = await startGateway({ config, client, desktopId: 'tailnet-desktop', logger: createLogger('test-gateway', () => {}), version: 'test', keepAwake: () => ({ mode: 'test', active: false }) });
  });

  afterAll(async () => {
    await gateway?.close();
    await client?.connection.close();
    await temporal?.stop();
  });

  it('`opendispatch pair` reaches the gateway and prints a link to the address it listens on, and that link pairs', async () => {
    let printed = '';
    expect(await runPairCommand(config, (text) => (printed += text))).toBe(0);
    const link = /open (\S+#pair=[A-Za-z0-9_-]+)/.exec(printed)?.[1];
    expect(link).toMatch(new RegExp(`^http://${ONLY_ADDRESS.replace(/\./g, '\\.')}:${port}/#pair=`));

    const origin = new URL(link!).origin;
    expect((await fetch(`${origin}/healthz`)).status).toBeGreaterThan(0);
    const paired = await fetch(`${origin}/api/pair`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: new URL(link!).hash.slice(6), name: 'Tailnet phone' }) });
    expect(paired.status).toBe(201);
    // Where the QR code used to point (the LAN address) and where `pair` used to ask (127.0.0.1), nothing answers.
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('the QR code on the setup page points there too', async () => {
    expect(gateway.publicUrl).toBe(`http://${ONLY_ADDRESS}:${port}`);
    expect(gateway.localUrl).toBe(`http://${ONLY_ADDRESS}:${port}`);
    const png = Buffer.from(await (await fetch(`${gateway.setupUrl}/pair/qr.png`)).arrayBuffer());
    const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(jsQR(new Uint8ClampedArray(data), info.width, info.height)?.data).toMatch(new RegExp(`^http://${ONLY_ADDRESS.replace(/\./g, '\\.')}:${port}/#pair=`));
  });
});
