import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express, type RequestHandler, type Router } from 'express';
import type { Logger } from '../common/logger.js';
import { defineRoute, registeredRoutes } from './define-route.js';
import { apiBodyParser, createErrorHandler } from './error-handler.js';
import { notFound } from './http-error.js';
import { buildOpenApiDocument, healthSchema, openApiDocumentSchema } from './openapi.js';
import { securityHeaders } from './security-headers.js';

const STATIC_ROOT = fileURLToPath(new URL('../mobile-web/dist/', import.meta.url));

/** Everything the gateway's HTTP side is assembled from; `createApp` builds nothing itself. */
export interface AppDeps {
  logger: Logger;
  version: string;
  /** `POST /api/pair`. Every router's routes are declared with `defineRoute`. */
  pairingRouter: Router;
  /** Authenticated `/api` routes: tasks, models and desktops. */
  apiRouter: Router;
  /** Rejects requests without a valid device token (401). */
  requireDevice: RequestHandler;
  health: () => Promise<{ temporal: boolean; worker: boolean; gateway: boolean }>;
  /** The built phone client; absent when it has not been built. */
  staticRoot?: string;
}

/**
 * The gateway's public Express app, not listening: pairing with a code, the authenticated API, the
 * phone client's files, and one error handler that turns every failure into a JSON body with a
 * status a client can act on. No request error changes state or stops the gateway. Its OpenAPI
 * document is generated from the routes mounted here; one registered without `defineRoute`
 * makes this throw, so an undocumented route fails at start-up. The setup page, the QR code and
 * new pairing codes are not served here but on the loopback-only setup listener (`createSetupApp`),
 * so this app answers 404 for them whoever asks, a tunnel relaying an outsider as 127.0.0.1 included.
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('etag', false);
  app.use(securityHeaders);

  defineRoute(
    app,
    { method: 'get', path: '/healthz', summary: 'Whether Temporal, the desktop worker and the gateway are all up', auth: false, responses: { 200: healthSchema, 503: healthSchema } },
    async (_input, _req, res) => {
      const parts = await deps.health().catch(() => ({ temporal: false, worker: false, gateway: true }));
      const ok = parts.temporal && parts.worker && parts.gateway;
      res.status(ok ? 200 : 503).json(healthSchema.parse({ status: ok ? 'ok' : 'starting', ...parts }));
    },
  );

  let document: Record<string, unknown> | undefined;
  defineRoute(
    app,
    { method: 'get', path: '/api/openapi.json', summary: 'This document', auth: false, responses: { 200: openApiDocumentSchema } },
    (_input, _req, res) => {
      res.json(document);
    },
  );

  app.use('/api', (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  app.use('/api', apiBodyParser);
  app.use(deps.pairingRouter);
  app.use('/api', deps.requireDevice, deps.apiRouter);
  app.use('/api', (_req, _res, next) => next(notFound('That API route')));

  const staticRoot = deps.staticRoot ?? STATIC_ROOT;
  if (existsSync(staticRoot)) {
    app.use(
      express.static(staticRoot, {
        index: 'index.html',
        setHeaders: (res, file) => {
          if (file.endsWith('.webmanifest')) res.type('application/manifest+json');
          const hashed = file.includes(`${path.sep}assets${path.sep}`);
          res.set('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
        },
      }),
    );
  }
  app.use((_req, _res, next) => next(notFound('That page')));

  app.use(createErrorHandler(deps.logger));
  document = buildOpenApiDocument(deps.version, registeredRoutes(app));
  return app;
}
