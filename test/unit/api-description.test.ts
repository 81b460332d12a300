import { Router } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { modelListSchema, taskListQuerySchema } from '../../common/api-schemas.js';
import { createLogger } from '../../common/logger.js';
import { knownModels } from '../../common/models.js';
import { createApp, type AppDeps } from '../../gateway/app.js';
import { defineRoute, registeredRoutes } from '../../gateway/define-route.js';
import { modelChoices } from '../../gateway/model-choices.js';
import { LOOPBACK_ONLY_EXTENSION } from '../../gateway/openapi.js';
import { createPairingCodes } from '../../gateway/pairing-codes.js';
import { createPairingRouter } from '../../gateway/pairing-routes.js';
import { createFailureLimiter } from '../../gateway/rate-limiter.js';
import { createSetupApp } from '../../gateway/setup-app.js';
import { createSetupRouter } from '../../gateway/setup-page.js';
import { createDesktopPairingRouter } from '../../gateway/desktop-pairing-routes.js';
import { listen, type ListeningApp } from '../helpers/gateway-test-app.js';

type Operation = { security?: unknown[]; parameters?: { name: string; schema: { pattern?: string } }[]; requestBody?: { content: Record<string, unknown> } } & Record<string, unknown>;
type Document = { paths: Record<string, Record<string, Operation>> };

const logger = createLogger('test-gateway', () => {});
const registry = { list: () => [], rename: async () => false, revoke: async () => false } as unknown as Parameters<typeof createSetupRouter>[0]['registry'];
const codes = createPairingCodes({});

function appWith(apiRouter: Router, overrides: Partial<AppDeps> = {}) {
  return createApp({
    logger,
    version: 'test',
    pairingRouter: createPairingRouter({ codes, registry, limiter: createFailureLimiter({}), logger }),
    apiRouter,
    requireDevice: (_req, _res, next) => next(),
    health: async () => ({ temporal: true, worker: true, gateway: true }),
    staticRoot: '/nonexistent',
    ...overrides,
  });
}

describe('the API description comes from the routes themselves', () => {
  let server: ListeningApp | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('documents a route declared in a nested router at its full mounted path, with its parameters and body', async () => {
    const inner = Router();
    defineRoute(
      inner,
      { method: 'post', path: '/widgets/:id', summary: 'Poke a widget', params: z.object({ id: z.string().regex(/^w-\d+$/) }), body: z.object({ force: z.boolean() }), responses: { 200: z.object({ ok: z.boolean() }) } },
      ({ params, body }, _req, res) => {
        res.json({ ok: params.id === 'w-1' && body.force });
      },
    );
    const api = Router();
    api.use(inner);
    const app = appWith(api);
    expect(registeredRoutes(app).map((route) => `${route.method} ${route.path}`)).toContain('post /api/widgets/:id');

    server = await listen(app);
    const document = (await (await fetch(`${server.base}/api/openapi.json`)).json()) as Document;
    const poke = document.paths['/api/widgets/{id}']?.post;
    expect(poke?.parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: expect.objectContaining({ pattern: '^w-\\d+$' }) }]);
    expect(Object.keys(poke?.requestBody?.content ?? {})).toEqual(['application/json']);
    expect(poke?.security).toBeUndefined();
    expect(document.paths['/api/pair']?.post).toMatchObject({ security: [] });
    expect(document.paths['/pair/code']).toBeUndefined();
    expect(document.paths['/setup']).toBeUndefined();

    const post = (path: string, body: unknown) => fetch(`${server!.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(await (await post('/api/widgets/w-1', { force: true })).json()).toEqual({ ok: true });
    expect((await post('/api/widgets/nope', { force: true })).status).toBe(404);
    const bad = await post('/api/widgets/w-1', { force: 'yes' });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ error: { field: 'force' } });
  });

  it('the setup listener documents its own routes, every one of them desktop-only', async () => {
    const setup = createSetupApp({
      logger,
      version: 'test',
      routers: [
        createSetupRouter({ codes, registry, publicUrl: 'http://192.0.2.1:8787', roots: ['/tmp'], keepAwake: () => ({ mode: 'test', active: false }), logger }),
        createDesktopPairingRouter({ codes, publicUrl: 'http://192.0.2.1:8787', logger }),
      ],
    });
    server = await listen(setup);
    const document = (await (await fetch(`${server.base}/setup/openapi.json`)).json()) as Document;
    expect(document.paths['/pair/code']?.post).toMatchObject({ security: [], [LOOPBACK_ONLY_EXTENSION]: true });
    expect(document.paths['/setup/devices/{id}/rename']?.post?.requestBody?.content).toHaveProperty(['application/x-www-form-urlencoded']);
    const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods));
    expect(operations.length).toBe(registeredRoutes(setup).length);
    for (const operation of operations) expect(operation[LOOPBACK_ONLY_EXTENSION]).toBe(true);
  });

  it('documents and validates query parameters: a bad one is a 422 naming it', async () => {
    const api = Router();
    defineRoute(
      api,
      { method: 'get', path: '/pages', summary: 'A page', query: taskListQuerySchema, responses: { 200: z.object({ limit: z.number() }) } },
      ({ query }, _req, res) => {
        res.json({ limit: query.limit });
      },
    );
    server = await listen(appWith(api));
    const document = (await (await fetch(`${server.base}/api/openapi.json`)).json()) as Document;
    const parameters = document.paths['/api/pages']?.get?.parameters as unknown as Array<{ name: string; in: string; required: boolean }>;
    expect(parameters.map(({ name, in: where, required }) => ({ name, in: where, required }))).toEqual([
      { name: 'limit', in: 'query', required: false },
      { name: 'cursor', in: 'query', required: false },
    ]);
    expect(await (await fetch(`${server.base}/api/pages`)).json()).toEqual({ limit: 50 });
    expect(await (await fetch(`${server.base}/api/pages?limit=7`)).json()).toEqual({ limit: 7 });
    const bad = await fetch(`${server.base}/api/pages?limit=500`);
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_request', field: 'limit' } });
  });

  it('refuses to start with a route registered outside defineRoute, naming it', () => {
    const api = Router();
    api.get('/debug', (_req, res) => {
      res.json({ secrets: true });
    });
    expect(() => appWith(api)).toThrow(/GET \/api\/debug/);
  });
});

describe('the models a task can pick', () => {
  it('lists the known models newest first, with the configured default marked once', () => {
    const list = modelListSchema.parse(modelChoices('claude-opus-4-7'));
    expect(list.default).toBe('claude-opus-4-7');
    expect(list.models.map((model) => model.id)).toEqual(knownModels().map((model) => model.id));
    expect(list.models.filter((model) => model.default)).toEqual([{ id: 'claude-opus-4-7', label: 'Claude Opus 4.7', default: true }]);
  });

  it('lists a configured model the table does not know first, labelled with its id', () => {
    const list = modelChoices('claude-next-1-20270101');
    expect(list.models[0]).toEqual({ id: 'claude-next-1-20270101', label: 'claude-next-1-20270101', default: true });
    expect(list.models.slice(1).some((model) => model.default)).toBe(false);
  });
});
