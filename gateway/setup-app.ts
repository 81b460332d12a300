import express, { type Express, type Router } from 'express';
import type { Logger } from '../common/logger.js';
import { apiErrorSchema } from '../common/api-schemas.js';
import { defineRoute, registeredRoutes } from './define-route.js';
import { createErrorHandler } from './error-handler.js';
import { notFound } from './http-error.js';
import { createLoopbackGuard } from './loopback.js';
import { buildOpenApiDocument, openApiDocumentSchema } from './openapi.js';
import { securityHeaders } from './security-headers.js';

/** What the setup listener's app is assembled from. */
export interface SetupAppDeps {
  logger: Logger;
  version: string;
  /** The setup page (`/setup/*`) and the desktop's pairing routes (`/pair/qr.png`, `/pair/code`), declared with `defineRoute`. */
  routers: Router[];
  /** Replaces the loopback test; for tests. */
  isLoopback?: (address: string | undefined) => boolean;
}

/**
 * The setup listener's Express app, not listening: the setup page, the pairing QR code and new
 * pairing codes, and `GET /setup/openapi.json` describing them. It is served on a port of its own
 * bound to 127.0.0.1 (DISPATCH_SETUP_PORT), never on the phone's port: a raw tunnel to the phone's
 * port (ssh -R, socat) delivers outsiders from 127.0.0.1 with any Host, which a per-request
 * loopback check cannot tell from the desktop itself. Every route still carries the loopback
 * guard, as a second wall. A route registered without `defineRoute` makes this throw.
 */
export function createSetupApp(deps: SetupAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('etag', false);
  app.use(securityHeaders);

  let document: Record<string, unknown> | undefined;
  defineRoute(
    app,
    {
      method: 'get',
      path: '/setup/openapi.json',
      summary: 'What the setup listener serves',
      auth: 'loopback',
      before: [createLoopbackGuard({ trust: deps.isLoopback })],
      responses: { 200: openApiDocumentSchema, 403: apiErrorSchema },
    },
    (_input, _req, res) => {
      res.set('Cache-Control', 'no-store').json(document);
    },
  );
  for (const router of deps.routers) app.use(router);
  app.use((_req, _res, next) => next(notFound('That page')));
  app.use(createErrorHandler(deps.logger));
  document = buildOpenApiDocument(deps.version, registeredRoutes(app));
  return app;
}
