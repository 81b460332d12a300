import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type DispatchConfig } from '../../common/config.js';
import type { TaskMemo } from '../../common/contract.js';
import { PROMPT_ATTRIBUTE, promptAttributeState } from '../../common/prompt-search-attribute.js';
import { continueTask, startTask } from '../../common/task-starter.js';
import { findTemporalCli } from '../../worker/temporal-cli.js';
import { connectClient } from '../../worker/temporal-connection.js';
import { eventually } from '../helpers/async.js';
import { startTestTemporal, type TestTemporal } from '../helpers/temporal-server.js';

const run = promisify(execFile);
const DESKTOP = 'web-ui';

// No worker polls the desktop's queue: these tasks only need to exist, as the Web UI lists them.
describe("the Temporal Web UI tells tasks apart by their prompt's first line", () => {
  let home: string;
  let temporal: TestTemporal;
  let config: Readonly<DispatchConfig>;
  let client: Client;
  let cli: string;

  /** Task ids the visibility store returns for a List Filter, as the Web UI's list asks it. */
  const listed = async (query: string): Promise<string[]> => {
    const ids: string[] = [];
    for await (const execution of client.workflow.list({ query })) ids.push(execution.workflowId);
    return ids;
  };
  const attributeOf = async (taskId: string) => (await client.workflow.getHandle(taskId).describe()).typedSearchAttributes.get(PROMPT_ATTRIBUTE);

  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'opendispatch-web-ui-'));
    temporal = await startTestTemporal({ home });
    config = loadConfig({
      DISPATCH_HOME: home,
      DISPATCH_DESKTOP_ID: DESKTOP,
      DISPATCH_TEMPORAL_PORT: String(temporal.port),
      DISPATCH_TEMPORAL_UI_PORT: String(temporal.uiPort),
    });
    client = await connectClient(config.temporal);
    cli = await findTemporalCli({ explicit: process.env.TEMPORAL_CLI, binDir: path.join(home, 'bin'), allowDownload: false });
  });

  afterAll(async () => {
    await client?.connection.close();
    await temporal?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('a task is found by its first line, whole or by its start, from the SDK and from `temporal workflow list`', async () => {
    const taskId = await startTask(client, config, { prompt: "Renew the parking permit\nThe form is on the council's site; use the card ending 4242.", desktopId: DESKTOP });
    await startTask(client, config, { prompt: 'Renew the passport', desktopId: DESKTOP });

    expect(await attributeOf(taskId)).toBe('Renew the parking permit');
    expect(await eventually(() => listed(`DispatchPrompt = 'Renew the parking permit'`), (ids) => ids.length > 0)).toEqual([taskId]);
    expect(await eventually(() => listed(`DispatchPrompt STARTS_WITH 'Renew the pa'`), (ids) => ids.length === 2)).toContain(taskId);

    const { stdout } = await run(cli, ['workflow', 'list', '--address', temporal.address, '--query', `DispatchPrompt = 'Renew the parking permit'`, '--output', 'json']);
    const rows = JSON.parse(stdout) as Array<{ execution: { workflowId: string } }>;
    expect(rows.map((row) => row.execution.workflowId)).toEqual([taskId]);
  });

  it('a follow-up run of a finished task keeps it', async () => {
    const prompt = 'Sort the receipts\nby month';
    const taskId = await startTask(client, config, { prompt, desktopId: DESKTOP });
    const first = await client.workflow.getHandle(taskId).describe();
    await client.workflow.getHandle(taskId).terminate('finished, as far as this test goes');

    const memo: TaskMemo = { prompt, desktopId: DESKTOP, model: config.model };
    await continueTask(client, config, { taskId, memo, followUp: { text: 'and by year', transcriptRef: null, stepsTaken: 1, recentSteps: [] } });

    const next = await client.workflow.getHandle(taskId).describe();
    expect(next.runId).not.toBe(first.runId);
    expect(next.status.name).toBe('RUNNING');
    expect(next.typedSearchAttributes.get(PROMPT_ATTRIBUTE)).toBe('Sort the receipts');
  });

  it('a task still starts where the namespace lacks the attribute, and an embedded server adds it back when it starts', async () => {
    // A cluster nobody registered DispatchPrompt on, or an embedded server's database an earlier
    // release made: its namespace has no mapping for the attribute.
    await client.connection.operatorService.removeSearchAttributes({ namespace: 'default', searchAttributes: [PROMPT_ATTRIBUTE.name] });
    expect(await promptAttributeState(client.connection, 'default')).toBe('missing');
    // A process that has not started a task yet, as `opendispatch task` is.
    const fresh = new Client({ connection: client.connection });

    const taskId = await startTask(fresh, config, { prompt: 'Water the plants', desktopId: DESKTOP });
    const described = await client.workflow.getHandle(taskId).describe();
    expect(described.status.name).toBe('RUNNING');
    expect(described.typedSearchAttributes.get(PROMPT_ATTRIBUTE)).toBeUndefined();
    const memo: TaskMemo = { prompt: 'Water the plants', desktopId: DESKTOP, model: config.model };
    await client.workflow.getHandle(taskId).terminate('finished, as far as this test goes');
    await continueTask(fresh, config, { taskId, memo, followUp: { text: 'the balcony too', transcriptRef: null, stepsTaken: 1, recentSteps: [] } });
    expect((await client.workflow.getHandle(taskId).describe()).status.name).toBe('RUNNING');

    // `opendispatch start` restarts its embedded server on the same database.
    await client.connection.close();
    await temporal.stop();
    await temporal.restart();
    client = await connectClient(config.temporal);
    expect(await promptAttributeState(client.connection, 'default')).toBe('registered');
    const later = await startTask(client, config, { prompt: 'Water the plants again', desktopId: DESKTOP });
    expect(await attributeOf(later)).toBe('Water the plants again');
  });
});
