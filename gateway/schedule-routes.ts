import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { Router } from 'express';
import { z } from 'zod';
import {
  apiErrorSchema,
  createdScheduleSchema,
  createScheduleRequestSchema,
  scheduleIdParamsSchema,
  scheduleListSchema,
  type ApiTaskStatus,
} from '../common/api-schemas.js';
import type { DispatchConfig } from '../common/config.js';
import type { TaskResult } from '../common/contract.js';
import { changeSchedule, createSchedule, listSchedules, scheduleExists, type ScheduleChange } from '../common/schedules.js';
import { defineRoute } from './define-route.js';
import { requireKnownDesktop, type DesktopDirectory } from './desktop-directory.js';
import { notFound } from './http-error.js';

const error = apiErrorSchema;
const scheduleChangedSchema = z.object({ id: z.string(), change: z.enum(['pause', 'unpause', 'trigger', 'delete']) });

/** A scheduled run's status as the task list says it, from one describe (and its result once it ended). */
async function runStatus(client: Client, taskId: string): Promise<ApiTaskStatus | undefined> {
  const handle = client.workflow.getHandle(taskId);
  const description: WorkflowExecutionDescription | undefined = await handle.describe().catch(() => undefined);
  switch (description?.status.name) {
    case undefined:
      return undefined;
    case 'RUNNING':
      return 'running';
    case 'COMPLETED': {
      const result = (await handle.result()) as TaskResult;
      return result.reason === 'completed' ? 'succeeded' : result.reason === 'cancelled' ? 'cancelled' : 'failed';
    }
    case 'CANCELLED':
      return 'cancelled';
    default:
      return 'failed';
  }
}

/**
 * `/api/schedules`: tasks given for later, once or on a cron, as Temporal Schedules. Each run is
 * an ordinary task; a schedule's recent runs are listed with their status.
 */
export function createScheduleRouter(deps: { client: Client; config: Readonly<DispatchConfig>; defaultDesktopId: string; directory: DesktopDirectory }): Router {
  const router = Router();
  const { client, config } = deps;

  defineRoute(
    router,
    { method: 'post', path: '/schedules', summary: 'Schedule a task once (at) or on a cron (cron, timezone)', body: createScheduleRequestSchema, responses: { 201: createdScheduleSchema, 401: error, 422: error } },
    async ({ body }, _req, res) => {
      const timing = body.at !== undefined ? { at: new Date(body.at) } : { cron: body.cron!, timezone: body.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone };
      await requireKnownDesktop(deps.directory, body.desktopId);
      res.status(201).json(await createSchedule(client, config, { prompt: body.prompt, desktopId: body.desktopId ?? deps.defaultDesktopId, model: body.model, timing }));
    },
  );

  defineRoute(
    router,
    { method: 'get', path: '/schedules', summary: 'Schedules with their next run, recent runs and whether they are paused', responses: { 200: scheduleListSchema, 401: error } },
    async (_input, _req, res) => {
      const schedules = await listSchedules(client);
      const withStatus = await Promise.all(
        schedules.map(async (schedule) => ({
          ...schedule,
          recentRuns: await Promise.all(schedule.recentRuns.slice(0, 5).map(async (run) => ({ ...run, ...(await runStatus(client, run.taskId).then((status) => (status ? { status } : {}))) }))),
        })),
      );
      res.json({ schedules: withStatus });
    },
  );

  const change = (verb: ScheduleChange, method: 'post' | 'delete', path: string, summary: string, status: 200 | 202) =>
    defineRoute(router, { method, path, summary, params: scheduleIdParamsSchema, responses: { [status]: scheduleChangedSchema, 401: error, 404: error } }, async ({ params }, _req, res) => {
      if (!(await scheduleExists(client, params.id))) throw notFound(`Schedule ${params.id}`);
      await changeSchedule(client, params.id, verb);
      res.status(status).json({ id: params.id, change: verb });
    });
  change('delete', 'delete', '/schedules/:id', 'Delete a schedule (its past runs stay)', 200);
  change('pause', 'post', '/schedules/:id/pause', 'Pause a schedule', 202);
  change('unpause', 'post', '/schedules/:id/unpause', 'Unpause a schedule', 202);
  change('trigger', 'post', '/schedules/:id/trigger', 'Run a schedule now, as if it were due', 202);

  return router;
}
