import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { createContentStore } from '../activities/store/content-store.js';
import type { DispatchConfig } from '../common/config.js';
import type { Logger } from '../common/logger.js';
import { createApp } from './app.js';
import { authenticateToken, requireDevice } from './auth.js';
import { createDesktopDirectory } from './desktop-directory.js';
import { createDesktopPresence } from './desktop-presence.js';
import { createDesktopPairingRouter } from './desktop-pairing-routes.js';
import { createDeviceRegistry } from './device-registry.js';
import { createEventHub } from './event-hub.js';
import { startListener, type Listener } from './listener.js';
import { createPairingCodes } from './pairing-codes.js';
import { createPairingRouter } from './pairing-routes.js';
import { localGatewayUrl, resolvePublicUrl } from './public-url.js';
import { createFailureLimiter } from './rate-limiter.js';
import { createSetupApp } from './setup-app.js';
import { createSetupRouter } from './setup-page.js';
import { desktopTasks } from './desktop-tasks.js';
import { temporalWebUiUrl } from '../common/temporal-web-ui.js';
import { resolveChosenMonitor } from '../worker/adapters/x11-monitors.js';
import type { KeepAwakeReport } from '../worker/keep-awake-state.js';
import { readMcpStatus } from '../worker/mcp-status-file.js';
import { createScheduleRouter } from './schedule-routes.js';
import { createTaskRouter } from './task-routes.js';
import { createScreenshotSource } from './screenshot-source.js';
import { createTaskService } from './task-service.js';
import { createConversationRouter } from './conversation-routes.js';
import { createConversationService } from './conversation-service.js';
import { startPushNotifications } from './push-notifications.js';
import { temporalTaskWorkflows } from './task-workflows.js';

export interface GatewayDeps {
  config: Readonly<DispatchConfig>;
  client: Client;
  /** This desktop: where tasks go when a request names none. */
  desktopId: string;
  logger: Logger;
  version: string;
  /** Whether this desktop is kept awake while tasks run, or why it cannot be, for the setup page. */
  keepAwake: () => KeepAwakeReport;
}

export interface RunningGateway {
  /** Where this machine reaches the phone listener: loopback, or the one address DISPATCH_HOST names. */
  localUrl: string;
  /** Where phones reach it; the QR code points here. */
  publicUrl: string;
  port: number;
  /** The setup listener (setup page, QR code, new pairing codes), on 127.0.0.1 only. */
  setupUrl: string;
  setupPort: number;
  pairingUrl(): string;
  close(): Promise<void>;
}

/**
 * Builds the gateway from configuration and starts its two listeners: the phone's (pairing with a
 * code, the task API over Temporal, the event socket and the phone client) on
 * DISPATCH_HOST:DISPATCH_PORT, and the desktop's (the setup page, the QR code and new pairing
 * codes) on 127.0.0.1:DISPATCH_SETUP_PORT, which nothing but this machine can reach.
 */
export async function startGateway(deps: GatewayDeps): Promise<RunningGateway> {
  const { config, client, logger } = deps;
  const publicUrl = resolvePublicUrl({ configured: config.gateway.publicUrl, port: config.gateway.port, host: config.gateway.host });
  const notifications = await startPushNotifications({ config, client, publicUrl, logger });
  const registry = await createDeviceRegistry({ file: config.paths.devices, onRevoke: (id) => notifications.forgetDevice(id) });
  const codes = createPairingCodes({});
  const presence = createDesktopPresence({ client, namespace: config.temporal.namespace });
  const directory = createDesktopDirectory({ client, presence, selfId: deps.desktopId });

  let touch: (id: string) => void = () => {};
  const tasks = createTaskService({
    client,
    config,
    defaultDesktopId: deps.desktopId,
    screenshots: createScreenshotSource({ client, store: createContentStore(config.paths.blobs), presence, selfId: deps.desktopId }),
    presence,
    onChange: (id) => touch(id),
  });
  const hub = createEventHub({
    tasks,
    desktops: () => directory.list(),
    authenticate: (token) => authenticateToken(registry, token),
    stillPaired: (deviceId) => registry.list().some((device) => device.id === deviceId),
    logger,
  });
  touch = (id) => {
    tasks.forgetListedPages();
    directory.invalidate();
    hub.touch(id);
  };

  const apiRouter = Router();
  apiRouter.use(createTaskRouter({ tasks, directory }));
  apiRouter.use(createScheduleRouter({ client, config, defaultDesktopId: deps.desktopId, directory }));
  const conversation = createConversationService({ workflows: temporalTaskWorkflows(client, config), onChange: (id) => (touch(id), notifications.poke()) });
  apiRouter.use(createConversationRouter({ conversation }), notifications.router);

  const app = createApp({
    logger,
    version: deps.version,
    pairingRouter: createPairingRouter({ codes, registry, limiter: createFailureLimiter({}), logger }),
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

  const setupApp = createSetupApp({
    logger,
    version: deps.version,
    routers: [
      createSetupRouter({
        codes,
        registry,
        publicUrl,
        roots: config.roots,
        keepAwake: deps.keepAwake,
        logger,
        mcpServers: () => readMcpStatus(config.home),
        desktop: {
          desktopId: deps.desktopId,
          temporal: { address: config.temporal.address, namespace: config.temporal.namespace, webUi: temporalWebUiUrl(config.temporal) },
          worker: () => presence.status(deps.desktopId),
          tasks: () => desktopTasks((query) => tasks.list(query), deps.desktopId),
        },
        monitor: () => resolveChosenMonitor(config.monitor),
      }),
      createDesktopPairingRouter({ codes, publicUrl, logger }),
    ],
  });

  let phone: Listener | undefined;
  let setup: Listener;
  try {
    phone = await startListener({ app, port: config.gateway.port, host: config.gateway.host, name: 'gateway', logger, prepare: (server) => hub.attach(server) });
    setup = await startListener({ app: setupApp, port: config.gateway.setupPort, host: '127.0.0.1', name: 'setup', logger }).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'EADDRINUSE' ? new Error(`The setup port ${config.gateway.setupPort} is taken; set DISPATCH_SETUP_PORT to a free one.`, { cause: error }) : error;
    });
  } catch (error) {
    await phone?.close();
    await hub.close();
    await notifications.close();
    throw error;
  }
  const port = phone.port;
  const listeners = [phone, setup];
  const setupUrl = `http://127.0.0.1:${setup.port}`;
  logger.info('gateway listening', { port, host: config.gateway.host ?? 'all interfaces', publicUrl, setupUrl });

  return {
    localUrl: localGatewayUrl(config.gateway.host, port),
    publicUrl,
    port,
    setupUrl,
    setupPort: setup.port,
    pairingUrl: () => `${publicUrl}/#pair=${codes.current().code}`,
    async close() {
      await notifications.close();
      await hub.close();
      await Promise.all(listeners.map((listener) => listener.close()));
    },
  };
}
