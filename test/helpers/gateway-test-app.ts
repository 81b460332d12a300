import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type Express, type Router } from 'express';
import { HttpError } from '../../gateway/http-error.js';

/**
 * A stand-in for `createApp` while it is being written: JSON bodies on /api (64 KB), the given
 * routers, and one error middleware rendering HttpError and body-parser errors the same way.
 */
export function buildGatewayTestApp(routers: Router[]): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use('/api', express.json({ limit: 64 * 1024, strict: true }));
  for (const router of routers) app.use(router);
  app.use((_req, _res, next) => next(new HttpError(404, 'not_found', 'That page was not found.')));
  const errors: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    if (error instanceof HttpError) {
      res.status(error.status).set(error.headers).json({ error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } });
      return;
    }
    const parserError = error as { type?: string; status?: number };
    if (parserError.type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'malformed_json', message: 'The request body is not valid JSON.' } });
    } else if (parserError.type === 'entity.too.large') {
      res.status(413).json({ error: { code: 'too_large', message: 'The request body is too large.' } });
    } else {
      res.status(500).json({ error: { code: 'internal', message: String(error) } });
    }
  };
  app.use(errors);
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
