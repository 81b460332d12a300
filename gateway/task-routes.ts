import { Router } from 'express';
import { z } from 'zod';
import { createTaskRequestSchema, taskIdParamsSchema } from '../common/api-schemas.js';
import type { DesktopPresence } from './desktop-presence.js';
import { parseInput } from './http-error.js';
import type { TaskService } from './task-service.js';

const screenshotParamsSchema = taskIdParamsSchema.extend({ ref: z.string().regex(/^[0-9a-f]{64}$/, 'not a screenshot') });

/**
 * The authenticated task and desktop routes. Validation happens here, against the same schemas
 * the OpenAPI document is generated from; the service below never sees unchecked input.
 */
export function createTaskRouter(deps: { tasks: TaskService; presence: DesktopPresence; knownDesktops: () => Promise<string[]> }): Router {
  const router = Router();

  router.post('/tasks', async (req, res) => {
    const body = parseInput(createTaskRequestSchema, req.body);
    res.status(201).json(await deps.tasks.create(body));
  });

  router.get('/tasks', async (_req, res) => {
    res.json({ tasks: await deps.tasks.list() });
  });

  router.get('/tasks/:id', async (req, res) => {
    const { id } = parseInput(taskIdParamsSchema, req.params, 'params');
    res.json(await deps.tasks.get(id));
  });

  router.post('/tasks/:id/cancel', async (req, res) => {
    const { id } = parseInput(taskIdParamsSchema, req.params, 'params');
    res.status(202).json(await deps.tasks.cancel(id));
  });

  router.post('/tasks/:id/retry', async (req, res) => {
    const { id } = parseInput(taskIdParamsSchema, req.params, 'params');
    res.status(201).json(await deps.tasks.retry(id));
  });

  router.get('/tasks/:id/screenshots/:ref', async (req, res) => {
    const { id, ref } = parseInput(screenshotParamsSchema, req.params, 'params');
    const image = await deps.tasks.screenshot(id, ref);
    res.set({ 'Content-Type': 'image/webp', 'Cache-Control': 'private, max-age=31536000, immutable' }).send(image);
  });

  router.get('/desktops', async (_req, res) => {
    const ids = await deps.knownDesktops();
    res.json({ desktops: await Promise.all(ids.map((id) => deps.presence.status(id))) });
  });

  return router;
}
