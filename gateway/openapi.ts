import { z, type ZodType } from 'zod';
import {
  apiErrorSchema,
  createdTaskSchema,
  createTaskRequestSchema,
  desktopListSchema,
  pairRequestSchema,
  pairResponseSchema,
  taskDetailSchema,
  taskListSchema,
} from '../common/api-schemas.js';

/** The health report `GET /healthz` answers with. */
export const healthSchema = z.object({
  status: z.enum(['ok', 'starting']),
  temporal: z.boolean(),
  worker: z.boolean(),
  gateway: z.boolean(),
});

interface Operation {
  method: 'get' | 'post';
  path: string;
  summary: string;
  /** Bearer token required (the default), or public. */
  auth?: false;
  loopbackOnly?: true;
  body?: ZodType;
  responses: Record<number, ZodType | 'png' | 'webp' | 'none'>;
}

const taskId = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^task-[A-Za-z0-9-]{1,80}$' } };

/**
 * Every route the gateway serves, with the schemas that validate it. The OpenAPI document is
 * generated from this list, and the routes validate with the same schema objects.
 */
export const operations: readonly Operation[] = [
  { method: 'get', path: '/healthz', summary: 'Whether Temporal, the desktop worker and the gateway are all up', auth: false, responses: { 200: healthSchema, 503: healthSchema } },
  { method: 'post', path: '/api/pair', summary: 'Pair a phone with a one-time code from the QR', auth: false, body: pairRequestSchema, responses: { 201: pairResponseSchema, 400: apiErrorSchema, 401: apiErrorSchema, 413: apiErrorSchema, 422: apiErrorSchema, 429: apiErrorSchema } },
  { method: 'get', path: '/pair/qr.png', summary: 'The current pairing QR code (from the desktop itself only)', auth: false, loopbackOnly: true, responses: { 200: 'png', 403: apiErrorSchema } },
  { method: 'post', path: '/api/tasks', summary: 'Dispatch a task to a desktop', body: createTaskRequestSchema, responses: { 201: createdTaskSchema, 400: apiErrorSchema, 401: apiErrorSchema, 413: apiErrorSchema, 422: apiErrorSchema } },
  { method: 'get', path: '/api/tasks', summary: 'Recent tasks, newest first', responses: { 200: taskListSchema, 401: apiErrorSchema } },
  { method: 'get', path: '/api/tasks/{id}', summary: "A task's status, steps and outcome (its latest run)", responses: { 200: taskDetailSchema, 401: apiErrorSchema, 404: apiErrorSchema } },
  { method: 'post', path: '/api/tasks/{id}/cancel', summary: 'Cancel a task; an action under way finishes first', responses: { 202: taskDetailSchema, 401: apiErrorSchema, 404: apiErrorSchema } },
  { method: 'post', path: '/api/tasks/{id}/retry', summary: 'Run a failed or cancelled task again, as a new task', responses: { 201: createdTaskSchema, 401: apiErrorSchema, 404: apiErrorSchema, 409: apiErrorSchema } },
  { method: 'get', path: '/api/tasks/{id}/screenshots/{ref}', summary: 'A small rendering of a screenshot the agent saw', responses: { 200: 'webp', 401: apiErrorSchema, 404: apiErrorSchema } },
  { method: 'get', path: '/api/desktops', summary: 'Desktops and whether their workers are online', responses: { 200: desktopListSchema, 401: apiErrorSchema } },
  { method: 'get', path: '/api/openapi.json', summary: 'This document', auth: false, responses: { 200: 'none' } },
];

function schemaOf(schema: ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return json;
}

/** The OpenAPI 3.1 document for the gateway, generated from {@link operations}. */
export function buildOpenApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) {
    const parameters = [
      ...(operation.path.includes('{id}') ? [taskId] : []),
      ...(operation.path.includes('{ref}') ? [{ name: 'ref', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{64}$' } }] : []),
    ];
    const responses = Object.fromEntries(
      Object.entries(operation.responses).map(([status, schema]) => [
        status,
        schema === 'none'
          ? { description: 'OK' }
          : schema === 'png' || schema === 'webp'
            ? { description: 'An image', content: { [`image/${schema}`]: { schema: { type: 'string', format: 'binary' } } } }
            : { description: Number(status) < 400 ? 'OK' : 'Error', content: { 'application/json': { schema: schemaOf(schema, 'output') } } },
      ]),
    );
    paths[operation.path] = {
      ...paths[operation.path],
      [operation.method]: {
        summary: operation.summary,
        ...(operation.auth === false ? { security: [] } : {}),
        ...(operation.loopbackOnly ? { description: 'Answers 403 unless the request comes from the desktop itself (loopback).' } : {}),
        ...(parameters.length > 0 ? { parameters } : {}),
        ...(operation.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(operation.body, 'input') } } } } : {}),
        responses,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'OpenDispatch gateway', version, description: 'Pair a phone with your desktop and dispatch, follow, cancel and retry tasks.' },
    components: { securitySchemes: { device: { type: 'http', scheme: 'bearer', description: 'The token POST /api/pair returned.' } } },
    security: [{ device: [] }],
    paths,
  };
}
