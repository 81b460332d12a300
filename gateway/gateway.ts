import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { createContentStore } from '../activities/store/content-store.js';
import type { DispatchConfig } from '../common/config.js';
import type { Logger } from '../common/logger.js';
import { createApp } from './app.js';
import { authenticateToken, requireDevice } from './auth.js';
import { createDesktopPresence } from './desktop-presence.js';
import { createDeviceRegistry } from './device-registry.js';
import { createEventHub } from './event-hub.js';
import { createPairingCodes } from './pairing-codes.js';
import { createPairingRouter } from './pairing-routes.js';
import { resolvePublicUrl } from './public-url.js';
import { createFailureLimiter } from './rate-limiter.js';
import { createSetupRouter } from './setup-page.js';
import { createTaskRouter } from './task-routes.js';
import { createTaskService } from './task-service.js';

export interface GatewayDeps {
  config: Readonly<DispatchConfig>;
  client: Client;
  /** This desktop: where tasks go when a request names none. */
  desktopId: string;
  logger: Logger;
  version: string;
  /** Whether this desktop is kept awake while tasks run, for the setup page. */
  keepAwake: () => { mode: string; active: boolean };
}

export interface RunningGateway {
  /** Where this machine reaches the gateway (loopback). */
  localUrl: string;
  /** Where phones reach it; the QR code points here. */
  publicUrl: string;
  port: number;
  pairingUrl(): string;
  close(): Promise<void>;
}

/**
 * Builds the gateway from configuration and starts listening: pairing, the task API over
 * Temporal, the event socket and the phone client, on DISPATCH_HOST:DISPATCH_PORT.
 */
export async function startGateway(deps: GatewayDeps): Promise<RunningGateway> {
  const { config, client, logger } = deps;
  const publicUrl = resolvePublicUrl({ configured: config.gateway.publicUrl, port: config.gateway.port });
  const registry = await createDeviceRegistry({ file: config.paths.devices });
  const codes = createPairingCodes({});
  const presence = createDesktopPresence({ client, namespace: config.temporal.namespace });
  const seenDesktops = new Set([deps.desktopId]);
  const knownDesktops = async () => [...seenDesktops];

  let touch: (id: string) => void = () => {};
  const tasks = createTaskService({
    client,
    config,
    defaultDesktopId: deps.desktopId,
    store: createContentStore(config.paths.blobs),
    presence,
    onChange: (id) => touch(id),
  });
  const hub = createEventHub({
    tasks,
    presence,
    knownDesktops,
    authenticate: (token) => authenticateToken(registry, token),
    stillPaired: (deviceId) => registry.list().some((device) => device.id === deviceId),
    logger,
  });
  touch = (id) => hub.touch(id);

  const apiRouter = Router();
  apiRouter.use(createTaskRouter({ tasks, presence, knownDesktops }));

  const app = createApp({
    logger,
    version: deps.version,
    pairingRouter: createPairingRouter({ codes, registry, limiter: createFailureLimiter({}), publicUrl, logger }),
    setupRouter: createSetupRouter({ codes, registry, publicUrl, roots: config.roots, keepAwake: deps.keepAwake, logger }),
    apiRouter,
    requireDevice: requireDevice(registry),
    health: async () => {
      const temporal = await client
        .withDeadline(Date.now() + 2_000, () => client.workflowService.getSystemInfo({}))
        .then(() => true, () => false);
      const worker = temporal ? (await presence.status(deps.desktopId).catch(() => undefined))?.online === true : false;
      return { temporal, worker, gateway: true };
    },
  });

  const server = http.createServer(app);
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  hub.attach(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.gateway.port, config.gateway.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Once listening, a server error (out of file descriptors on accept, say) concerns one
  // connection; unheard it would stop the gateway. Client errors keep Node's own handling: a 400.
  server.on('error', (error: NodeJS.ErrnoException) => logger.warn('gateway server error', { error: error.message, errno: error.code }));
  const port = (server.address() as AddressInfo).port;
  logger.info('gateway listening', { port, host: config.gateway.host ?? 'all interfaces', publicUrl });

  return {
    localUrl: `http://127.0.0.1:${port}`,
    publicUrl,
    port,
    pairingUrl: () => `${publicUrl}/#pair=${codes.current().code}`,
    async close() {
      await hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
