import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type Router } from 'express';
import { createLogger } from '../../common/logger.js';
import { apiBodyParser, createErrorHandler } from '../../gateway/error-handler.js';
import { notFound } from '../../gateway/http-error.js';

/**
 * The pairing and setup routers without Temporal: the gateway's own body parser and error
 * handler around the given routers, as `createApp` mounts them.
 */
export function buildGatewayTestApp(routers: Router[]): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use('/api', apiBodyParser);
  for (const router of routers) app.use(router);
  app.use((_req, _res, next) => next(notFound('That page')));
  app.use(createErrorHandler(createLogger('test-gateway', () => {})));
  return app;
}

export interface ListeningApp {
  /** e.g. http://127.0.0.1:41234 */
  base: string;
  close(): Promise<void>;
}

/** Serves an app on an ephemeral loopback port. */
export async function listen(app: Express): Promise<ListeningApp> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
