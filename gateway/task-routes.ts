import { Router } from 'express';
import { z } from 'zod';
import {
  apiErrorSchema,
  cancelledTaskSchema,
  createdTaskSchema,
  createTaskRequestSchema,
  desktopListSchema,
  modelListSchema,
  taskDetailSchema,
  taskIdParamsSchema,
  taskListQuerySchema,
  taskListSchema,
} from '../common/api-schemas.js';
import { defineRoute } from './define-route.js';
import { requireKnownDesktop, type DesktopDirectory } from './desktop-directory.js';
import type { TaskService } from './task-service.js';

const screenshotParamsSchema = taskIdParamsSchema.extend({ ref: z.string().regex(/^[0-9a-f]{64}$/, 'not a screenshot') });
const screenshotQuerySchema = z.object({ size: z.enum(['full']).optional().describe('full: the screenshot at the size the agent saw it, to zoom into.') }).strict();
const error = apiErrorSchema;

/**
 * The authenticated task, model and desktop routes, mounted under `/api` behind the device
 * check. Each is declared with the schemas that validate it and document it; the service below
 * never sees unchecked input.
 */
export function createTaskRouter(deps: { tasks: TaskService; directory: DesktopDirectory }): Router {
  const router = Router();

  defineRoute(
    router,
    { method: 'post', path: '/tasks', summary: 'Dispatch a task to a desktop', body: createTaskRequestSchema, responses: { 201: createdTaskSchema, 400: error, 401: error, 413: error, 422: error } },
    async ({ body }, _req, res) => {
      await requireKnownDesktop(deps.directory, body.desktopId);
      res.status(201).json(await deps.tasks.create(body));
    },
  );

  defineRoute(
    router,
    {
      method: 'get',
      path: '/tasks',
      summary: 'A page of tasks, newest first: running ones, then finished ones by when they ended (status and current step; the rest is in a task\'s detail)',
      query: taskListQuerySchema,
      responses: { 200: taskListSchema, 401: error, 422: error },
    },
    async ({ query }, _req, res) => {
      res.json(await deps.tasks.list(query));
    },
  );

  defineRoute(
    router,
    { method: 'get', path: '/tasks/:id', summary: "A task's status, model, steps and outcome (its latest run)", params: taskIdParamsSchema, responses: { 200: taskDetailSchema, 401: error, 404: error } },
    async ({ params }, _req, res) => {
      res.json(await deps.tasks.get(params.id));
    },
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: '/tasks/:id/cancel',
      summary: 'Cancel a task; an action under way finishes first, and a desktop that is away stops it when it is back (see note)',
      params: taskIdParamsSchema,
      responses: { 202: cancelledTaskSchema, 401: error, 404: error },
    },
    async ({ params }, _req, res) => {
      res.status(202).json(await deps.tasks.cancel(params.id));
    },
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: '/tasks/:id/retry',
      summary: 'Run a failed or cancelled task again, as a new task with the same model',
      params: taskIdParamsSchema,
      responses: { 201: createdTaskSchema, 401: error, 404: error, 409: error },
    },
    async ({ params }, _req, res) => {
      res.status(201).json(await deps.tasks.retry(params.id));
    },
  );

  defineRoute(
    router,
    {
      method: 'get',
      path: '/tasks/:id/screenshots/:ref',
      summary: 'A screenshot the agent saw: a 480 px wide preview, or with size=full the whole image',
      params: screenshotParamsSchema,
      query: screenshotQuerySchema,
      responses: { 200: 'image/webp', 401: error, 404: error, 422: error },
    },
    async ({ params, query }, _req, res) => {
      const image = await deps.tasks.screenshot(params.id, params.ref, query.size ?? 'preview');
      res.set({ 'Content-Type': 'image/webp', 'Cache-Control': 'private, max-age=31536000, immutable' }).send(image);
    },
  );

  defineRoute(
    router,
    { method: 'get', path: '/models', summary: "Models a task can pick, newest first, with the desktop's default marked", responses: { 200: modelListSchema, 401: error } },
    (_input, _req, res) => {
      res.json(deps.tasks.models());
    },
  );

  defineRoute(
    router,
    {
      method: 'get',
      path: '/desktops',
      summary: 'Every desktop on this Temporal namespace: its name, whether its worker is online, and how many tasks run and wait on it',
      responses: { 200: desktopListSchema, 401: error },
    },
    async (_input, _req, res) => {
      res.json({ desktops: await deps.directory.list() });
    },
  );

  return router;
}
