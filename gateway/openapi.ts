import { z, type ZodType } from 'zod';
import type { RegisteredRoute, ResponseShape, RouteSpec } from './define-route.js';

/** The health report `GET /healthz` answers with. */
export const healthSchema = z.object({
  status: z.enum(['ok', 'starting']),
  temporal: z.boolean(),
  worker: z.boolean(),
  gateway: z.boolean(),
});

/** What `GET /api/openapi.json` answers with, in outline. */
export const openApiDocumentSchema = z.looseObject({ openapi: z.literal('3.1.0'), paths: z.record(z.string(), z.unknown()) });

/** Marks an operation that answers 403 unless the request comes from the desktop itself. */
export const LOOPBACK_ONLY_EXTENSION = 'x-loopback-only';

function schemaOf(schema: ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return json;
}

/** `/tasks/:id` → `/tasks/{id}`: Express path parameters in OpenAPI's spelling. */
function openApiPath(expressPath: string): string {
  return expressPath.replace(/:(\w+)/g, '{$1}');
}

function parametersOf(path: string, spec: RouteSpec): Record<string, unknown>[] {
  const names = [...path.matchAll(/:(\w+)/g)].map((match) => match[1]!);
  const properties = (spec.params ? schemaOf(spec.params, 'input').properties : undefined) as Record<string, unknown> | undefined;
  const inPath = names.map((name) => ({ name, in: 'path', required: true, schema: properties?.[name] ?? { type: 'string' } }));
  if (!spec.query) return inPath;
  const query = schemaOf(spec.query, 'input') as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  const inQuery = Object.entries(query.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: query.required?.includes(name) ?? false,
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
    schema,
  }));
  return [...inPath, ...inQuery];
}

function responseOf(status: number, shape: ResponseShape): Record<string, unknown> {
  if (shape === 'redirect') return { description: 'Redirect; follow the Location header' };
  if (typeof shape === 'string') return { description: 'OK', content: { [shape]: { schema: { type: 'string', ...(shape.startsWith('image/') ? { format: 'binary' } : {}) } } } };
  return { description: status < 400 ? 'OK' : 'Error', content: { 'application/json': { schema: schemaOf(shape, 'output') } } };
}

function operationOf(path: string, spec: RouteSpec): Record<string, unknown> {
  const parameters = parametersOf(path, spec);
  const media = spec.bodyType === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
  return {
    summary: spec.summary,
    ...(spec.auth !== undefined ? { security: [] } : {}),
    ...(spec.auth === 'loopback'
      ? { description: 'Answers 403 unless the request comes from the desktop itself (loopback), without a proxy.', [LOOPBACK_ONLY_EXTENSION]: true }
      : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(spec.body ? { requestBody: { required: true, content: { [media]: { schema: schemaOf(spec.body, 'input') } } } } : {}),
    responses: Object.fromEntries(Object.entries(spec.responses).map(([status, shape]) => [status, responseOf(Number(status), shape)])),
  };
}

/**
 * The OpenAPI 3.1 document for the gateway, generated from the routes the app really serves
 * (see `registeredRoutes`) and the schemas they validate with. A route registered without a
 * spec is a programming error: the gateway refuses to start rather than serve it undocumented.
 */
export function buildOpenApiDocument(version: string, routes: readonly RegisteredRoute[]): Record<string, unknown> {
  const undeclared = routes.filter((route) => !route.spec);
  if (undeclared.length > 0) {
    throw new Error(`Routes registered without defineRoute (undocumented, and unchecked for auth): ${undeclared.map((route) => `${route.method.toUpperCase()} ${route.path}`).join(', ')}`);
  }
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { method, path, spec } of routes) {
    const key = openApiPath(path);
    if (paths[key]?.[method]) throw new Error(`${method.toUpperCase()} ${path} is registered twice`);
    paths[key] = { ...paths[key], [method]: operationOf(path, spec!) };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'OpenDispatch gateway', version, description: 'Pair a phone with your desktop and dispatch, follow, cancel and retry tasks.' },
    components: { securitySchemes: { device: { type: 'http', scheme: 'bearer', description: 'The token POST /api/pair returned.' } } },
    security: [{ device: [] }],
    paths,
  };
}
