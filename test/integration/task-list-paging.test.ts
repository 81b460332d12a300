import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDesktopActivities } from '../../activities/index.js';
import { systemClock } from '../../activities/ports.js';
import { createContentStore } from '../../activities/store/content-store.js';
import { instantModel, noInput, stillScreen } from '../../bench/bench-desktop.js';
import { apiErrorSchema, taskListSchema, type TaskSummary } from '../../common/api-schemas.js';
import { loadConfig } from '../../common/config.js';
import { desktopTaskQueue } from '../../common/contract.js';
import { createLogger } from '../../common/logger.js';
import { startTask } from '../../common/task-starter.js';
import { startGateway, type RunningGateway } from '../../gateway/gateway.js';
import { connectClient, connectWorker } from '../../worker/temporal-connection.js';
import { eventually } from '../helpers/async.js';
import { freePort, startTestTemporal, type TestTemporal } from '../helpers/temporal-server.js';

const WORKFLOWS_PATH = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));
const FINISHED = 52;
const WAITING = 3;

describe('the task list pages through every task, from visibility and memos alone', () => {
  let temporal: TestTemporal;
  let client: Client;
  let connection: NativeConnection;
  let gateway: RunningGateway;
  let token: string;
  const created: string[] = [];
  /** Calls the gateway made to Temporal that read one task: each one a list must not need. */
  const perTask: string[] = [];

  const list = async (query = '') => fetch(`${gateway.localUrl}/api/tasks${query}`, { headers: { authorization: `Bearer ${token}` } });
  const page = async (query = '') => {
    const response = await list(query);
    expect(response.status, query).toBe(200);
    return taskListSchema.parse(await response.json());
  };
  const everyPage = async (limit: number) => {
    const pages: TaskSummary[][] = [];
    let cursor: string | undefined;
    do {
      const next = await page(`?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      pages.push(next.tasks);
      cursor = next.nextCursor;
    } while (cursor !== undefined && pages.length < 20);
    return pages;
  };

  beforeAll(async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'opendispatch-paging-'));
    temporal = await startTestTemporal({ home });
    const port = await freePort();
    const config = loadConfig({
      DISPATCH_HOME: home,
      DISPATCH_DESKTOP_ID: 'paging',
      DISPATCH_TEMPORAL_PORT: String(temporal.port),
      DISPATCH_TEMPORAL_UI_PORT: String(temporal.uiPort),
      DISPATCH_PORT: String(port),
      DISPATCH_SETUP_PORT: String(await freePort()),
      DISPATCH_HOST: '127.0.0.1',
    });
    client = await connectClient(config.temporal);
    connection = await connectWorker(config.temporal);
    for (const method of ['getWorkflowExecutionHistory', 'describeWorkflowExecution', 'queryWorkflow'] as const) {
      const service = client.workflowService as unknown as Record<string, (...args: unknown[]) => unknown>;
      const original = service[method]!.bind(service);
      service[method] = (...args: unknown[]) => {
        // The push watcher may read how a task that just finished ended; that is not the list.
        if (!new Error().stack?.includes('task-watcher')) perTask.push(method);
        return original(...args);
      };
    }
    gateway = await startGateway({ config, client, desktopId: 'paging', logger: createLogger('test-gateway', () => {}), version: 'test', keepAwake: () => ({ mode: 'test', active: false }) });
    const { url } = (await (await fetch(`${gateway.setupUrl}/pair/code`, { method: 'POST' })).json()) as { url: string };
    const paired = await fetch(`${gateway.localUrl}/api/pair`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: new URL(url).hash.slice(6), name: 'pager' }) });
    token = ((await paired.json()) as { token: string }).token;

    // A desktop whose model ends every task at its first decision: each task finishes at once.
    const worker = await Worker.create({
      connection,
      taskQueue: desktopTaskQueue('paging'),
      workflowsPath: WORKFLOWS_PATH,
      activities: createDesktopActivities({
        client,
        grabber: stillScreen,
        input: noInput,
        clock: systemClock,
        store: createContentStore(config.paths.blobs),
        messages: instantModel(0),
        defaultModel: config.model,
        roots: config.roots,
        trashDir: config.paths.trash,
        journalDir: config.paths.journal,
        platform: 'test',
      }),
    });
    await worker.runUntil(async () => {
      for (let i = 0; i < FINISHED; i++) {
        const id = await startTask(client, config, { prompt: `finished task ${i}`, desktopId: 'paging' });
        created.push(id);
        await client.workflow.getHandle(id).result();
      }
    });
    // The desktop is gone now: these wait for it.
    for (let i = 0; i < WAITING; i++) created.push(await startTask(client, config, { prompt: `waiting task ${i}`, desktopId: 'paging' }));
    // Visibility is written a moment after each change: wait until it lists every task as it now is.
    await eventually(
      async () => (await client.workflow.count(`WorkflowType = 'agentTask' AND ExecutionStatus = 'Completed'`)).count + (await client.workflow.count(`WorkflowType = 'agentTask' AND ExecutionStatus = 'Running'`)).count,
      (count) => count === FINISHED + WAITING,
    );
    perTask.length = 0;
  });

  afterAll(async () => {
    await gateway?.close();
    await connection?.close();
    await client?.connection.close();
    await temporal?.stop();
  });

  it('shows 50 by default and the rest on the next page, down to the oldest task, each once', async () => {
    const first = await page();
    expect(first.tasks).toHaveLength(50);
    expect(first.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const second = await page(`?cursor=${first.nextCursor}`);
    expect(second.nextCursor).toBeUndefined();
    const ids = [...first.tasks, ...second.tasks].map((task) => task.id);
    expect(ids).toHaveLength(FINISHED + WAITING);
    expect(new Set(ids)).toEqual(new Set(created));
    expect(ids.at(-1)).toBe(created[0]);
    // Waiting tasks first, then finished ones, most recently finished first.
    expect(first.tasks.slice(0, WAITING).map((task) => task.status)).toEqual(['waiting', 'waiting', 'waiting']);
    expect(ids.slice(WAITING)).toEqual(created.slice(0, FINISHED).reverse());
    expect(second.tasks.at(-1)).toMatchObject({ id: created[0], prompt: 'finished task 0', status: 'succeeded', currentStep: 'Done' });
  });

  it('pages with any limit from 1 to 100 and reaches the same tasks', async () => {
    const pages = await everyPage(20);
    expect(pages.map((tasks) => tasks.length)).toEqual([20, 20, 15]);
    expect(new Set(pages.flat().map((task) => task.id))).toEqual(new Set(created));
    expect((await page('?limit=100')).tasks).toHaveLength(FINISHED + WAITING);
  });

  it('reads no task history, no describe and no query to do it', async () => {
    perTask.length = 0;
    expect(new Set((await everyPage(50)).flat().map((task) => task.id))).toEqual(new Set(created));
    await everyPage(7);
    expect(perTask).toEqual([]);
  });

  it('refuses a bad cursor or limit with 422 and the field at fault', async () => {
    for (const [query, field] of [
      ['?cursor=not*a*cursor', 'cursor'],
      ['?cursor=AAAA', 'cursor'],
      ['?cursor=AB', 'cursor'],
      ['?cursor=', 'cursor'],
      ['?limit=0', 'limit'],
      ['?limit=101', 'limit'],
      ['?limit=ten', 'limit'],
      ['?limit=2&limit=3', 'limit'],
    ] as const) {
      const response = await list(query);
      expect(response.status, query).toBe(422);
      expect(apiErrorSchema.parse(await response.json()).error, query).toMatchObject({ code: 'invalid_request', field });
    }
    expect((await list('?page=2')).status).toBe(422);
  });
});
