import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskMemo } from '../../common/contract.js';
import { runningTasksOf } from '../../worker/retention-sweeper.js';
import { apiError, endTurn } from '../helpers/fake-messages-api.js';
import { startDesktopStack, type DesktopStack, type WorkerProcess } from '../helpers/desktop-stack.js';
import { runCli } from '../helpers/run-cli.js';


const cli = (stack: DesktopStack, args: string[]) => runCli({ ...stack.env, DISPATCH_PUBLIC_URL: 'http://192.0.2.7:8787' }, args);

const taskIdIn = (text: string): string => /Task (task-[0-9a-f-]+) started/.exec(text)![1]!;

describe('tasks on the command line', () => {
  let stack: DesktopStack;
  let worker: WorkerProcess;

  beforeAll(async () => {
    stack = await startDesktopStack();
    worker = await stack.startWorker();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('explains a refused API key the way the phone does, with exit 1, the elapsed time and the task\'s phone link', async () => {
    stack.model.enqueue(apiError(401, 'authentication_error', 'invalid x-api-key'));
    const logged = worker.output().length;
    const run = await cli(stack, ['task', 'summarise my inbox']);
    const failedId = taskIdIn(run.stdout);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`On your phone: http://192.0.2.7:8787/?task=${failedId}`);
    const failed = run.stdout.trim().split('\n').at(-1)!;
    expect(failed).toMatch(/^\[0:\d\d\] Failed: The API key was refused/);
    expect(failed).not.toMatch(/Activity task failed/);

    const show = await cli(stack, ['show', failedId]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`Task ${failedId}: failed`);
    // The same words as the phone's task page (the gateway's task service says them).
    expect(show.stdout).toContain(`Error:    ${failed.replace(/^\[[\d:]+\] Failed: /, '')}`);
    expect(show.stdout).toContain(`Phone:    http://192.0.2.7:8787/?task=${failedId}`);

    // The desktop's terminal: one short warning, no stack trace, no JSON, no 16-line objects.
    const output = worker.output().slice(logged);
    expect(output).not.toMatch(/^\s+at /m);
    expect(output).not.toMatch(/^\s*[{}]/m);
    expect(output).not.toMatch(/sk-ant-test-key/);
    expect(output.split('\n').filter((line) => /refused/.test(line)).length).toBeLessThanOrEqual(2);
  });

  it('lists tasks, and retries a failed one as a new task that remembers what it retries', async () => {
    stack.model.enqueue(apiError(401, 'authentication_error', 'invalid x-api-key'));
    const failedRun = await cli(stack, ['task', 'summarise my inbox']);
    expect(failedRun.code).toBe(1);
    const failedId = taskIdIn(failedRun.stdout);
    const list = await cli(stack, ['list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${failedId}\\s+failed\\s+.*summarise my inbox`));

    stack.model.enqueue(endTurn('Inbox summarised.'));
    const retry = await cli(stack, ['retry', failedId]);
    expect(retry.code).toBe(0);
    expect(retry.stdout).toMatch(/Done after 1 step: Inbox summarised\./);
    const retryId = taskIdIn(retry.stdout);
    const memo = (await stack.client.workflow.getHandle(retryId).describe()).memo as Partial<TaskMemo>;
    expect(memo).toMatchObject({ retryOf: failedId, prompt: 'summarise my inbox' });

    // As on the phone, only a failed or cancelled task can be retried.
    const again = await cli(stack, ['retry', retryId]);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/Only a failed or cancelled task can be retried; this one is succeeded/);
    expect((await cli(stack, ['show', 'task-00000000-0000-0000-0000-000000000000'])).code).toBe(1);
  });

  it('cancels a running task, which then ends cancelled', async () => {
    let release!: () => void;
    const thinking = new Promise<void>((resolve) => (release = resolve));
    stack.model.enqueue({ ...endTurn('too late'), after: thinking });
    const started = await cli(stack, ['task', '--no-follow', 'a slow task']);
    expect(started.code).toBe(0);
    const id = taskIdIn(started.stdout);
    await stack.model.waitForRequest(stack.model.requests.length + 1).catch(() => undefined);
    // Retention asks Temporal the same way which tasks still run, and leaves blobs alone meanwhile.
    await expect.poll(() => runningTasksOf(stack.client, stack.desktopId)(), { timeout: 10_000 }).toContain(id);
    const cancel = await cli(stack, ['cancel', id]);
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toContain(`Cancelling task ${id}`);
    release();
    await stack.client.workflow.getHandle(id).result().catch(() => undefined);
    const show = await cli(stack, ['show', id]);
    expect(show.stdout).toContain(`Task ${id}: cancelled`);
    expect((await cli(stack, ['cancel', id])).stdout).toContain('already ended: cancelled');
    await expect.poll(() => runningTasksOf(stack.client, stack.desktopId)(), { timeout: 10_000 }).toEqual([]);
  });
});
