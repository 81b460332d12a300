import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTask } from '../../common/task-starter.js';
import { screenLockStateQuery, screenLockWorkflowId, type TaskMemo, type TaskResult, type TaskStatus } from '../../common/contract.js';
import { computer, endTurn, imagesIn, toolUseReply, type RecordedRequest, type ScriptedReply } from '../helpers/fake-messages-api.js';
import { startDesktopStack, type DesktopStack } from '../helpers/desktop-stack.js';
import { deferred, eventually } from '../helpers/async.js';

function promptOf(request: RecordedRequest): string {
  return String(request.body.messages[0]!.content[0]!.text);
}

/** What a client sees of a task's progress: the memo the workflow publishes. */
async function progressOf(stack: DesktopStack, taskId: string): Promise<TaskStatus> {
  const memo = (await stack.client.workflow.getHandle(taskId).describe()).memo as Partial<TaskMemo> | undefined;
  if (!memo?.progress) throw new Error('no progress published yet');
  return memo.progress;
}

describe('several tasks for one desktop', () => {
  let stack: DesktopStack;

  beforeAll(async () => {
    stack = await startDesktopStack();
    await stack.startWorker();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('tasks take the screen one at a time in the order they were given; the others start without it and wait at their first computer call', async () => {
    const firstThinks = deferred();
    const script: Record<string, ScriptedReply[]> = {
      'first task': [{ ...computer({ action: 'mouse_move', coordinate: [10, 10] }), after: firstThinks.promise }, endTurn('first done')],
      'second task': [computer({ action: 'screenshot' }), computer({ action: 'mouse_move', coordinate: [20, 20] }), endTurn('second done')],
      'third task': [computer({ action: 'screenshot' }), endTurn('third done')],
    };
    stack.model.enqueue(...Array.from({ length: 7 }, () => (request: RecordedRequest) => script[promptOf(request)]!.shift()!));
    const before = stack.model.requests.length;
    const first = await startTask(stack.client, stack.config, { prompt: 'first task', desktopId: stack.desktopId });
    await stack.model.waitForRequest(before + 1);
    const second = await startTask(stack.client, stack.config, { prompt: 'second task', desktopId: stack.desktopId });
    await eventually(() => progressOf(stack, second), (value: TaskStatus) => value.queuePosition === 1);
    const third = await startTask(stack.client, stack.config, { prompt: 'third task', desktopId: stack.desktopId });

    const status = (taskId: string) => progressOf(stack, taskId);
    expect(await eventually(() => status(third), (value: TaskStatus) => value.queuePosition === 2)).toMatchObject({ phase: 'running', currentStep: 'Waiting for the screen: number 2 in line' });
    expect(await status(second)).toMatchObject({ phase: 'running', queuePosition: 1 });
    expect(await status(first)).toMatchObject({ phase: 'running', queuePosition: 0 });

    // Both waiting tasks already asked the model, without a screenshot and told why.
    const started = stack.model.requests.slice(before);
    for (const prompt of ['second task', 'third task']) {
      const request = started.find((entry) => promptOf(entry) === prompt)!;
      expect(imagesIn(request), prompt).toHaveLength(0);
      expect(JSON.stringify(request.body.messages[0]), prompt).toMatch(/screen is in use by another task/);
    }

    firstThinks.resolve();
    for (const taskId of [first, second, third]) await stack.client.workflow.getHandle(taskId).result();

    // The screen went first → second → third: each one's screenshot came after the one before it was done.
    const order = stack.model.requests.slice(before).map((request) => `${promptOf(request)}:${imagesIn(request).length}`);
    const lastOf = (prompt: string) => order.findLastIndex((entry) => entry.startsWith(prompt));
    const firstScreenshotOf = (prompt: string) => order.findIndex((entry) => entry.startsWith(prompt) && !entry.endsWith(':0'));
    expect(firstScreenshotOf('second task')).toBeGreaterThan(lastOf('first task'));
    expect(firstScreenshotOf('third task')).toBeGreaterThan(lastOf('second task'));
    const lock = await stack.client.workflow.getHandle(screenLockWorkflowId(stack.desktopId)).query(screenLockStateQuery);
    expect(lock).toEqual({ holder: null, waiting: [] });
  });

  it('a cancelled task stops between actions: the action under way finishes and nothing after it runs', async () => {
    const before = stack.model.requests.length;
    stack.model.enqueue(
      toolUseReply({ name: 'computer', input: { action: 'wait', duration: 2 } }, { name: 'computer', input: { action: 'mouse_move', coordinate: [300, 300] } }),
      endTurn('should never be asked'),
    );
    const taskId = await startTask(stack.client, stack.config, { prompt: 'slow task', desktopId: stack.desktopId });
    const handle = stack.client.workflow.getHandle<() => Promise<TaskResult>>(taskId);
    await eventually(() => progressOf(stack, taskId), (value) => /wait 2 s/.test(value.currentStep));
    await handle.cancel();
    const result = await handle.result();
    expect(result).toMatchObject({ reason: 'cancelled' });
    expect(result.recentSteps.map((step) => step.description)).toEqual(['wait 2 s']);
    expect(stack.model.requests.length - before).toBe(1);
    expect(stack.model.drain()).toHaveLength(1);
  });

  it('a task cancelled while it waits for the screen leaves the line, and its computer action never runs', async () => {
    stack.model.drain();
    const holderThinks = deferred();
    const before = stack.model.requests.length;
    stack.model.enqueue({ ...endTurn('holder done'), after: holderThinks.promise }, computer({ action: 'mouse_move', coordinate: [400, 400] }));
    const holder = await startTask(stack.client, stack.config, { prompt: 'holder', desktopId: stack.desktopId });
    await stack.model.waitForRequest(before + 1);
    const queued = await startTask(stack.client, stack.config, { prompt: 'queued then cancelled', desktopId: stack.desktopId });
    const queuedHandle = stack.client.workflow.getHandle(queued);
    await eventually(() => progressOf(stack, queued), (value) => value.queuePosition === 1);
    await queuedHandle.cancel();
    expect(await queuedHandle.result()).toMatchObject({ reason: 'cancelled', steps: 1, recentSteps: [] });
    holderThinks.resolve();
    await stack.client.workflow.getHandle(holder).result();
    expect(stack.model.requests.slice(before).map(promptOf)).toEqual(['holder', 'queued then cancelled']);
    const lock = await stack.client.workflow.getHandle(screenLockWorkflowId(stack.desktopId)).query(screenLockStateQuery);
    expect(lock).toEqual({ holder: null, waiting: [] });
  });

  it('a finished task reset in the Web UI never drives the screen beside the task holding it', async () => {
    stack.model.drain();
    stack.model.enqueue(endTurn('first run done'));
    const before = stack.model.requests.length;
    const earlier = await startTask(stack.client, stack.config, { prompt: 'reset me later', desktopId: stack.desktopId });
    await stack.client.workflow.getHandle(earlier).result();

    const holderThinks = deferred();
    stack.model.enqueue({ ...endTurn('holder done'), after: holderThinks.promise }, computer({ action: 'screenshot' }), endTurn('reset run done'));
    const holder = await startTask(stack.client, stack.config, { prompt: 'holding the screen', desktopId: stack.desktopId });
    await stack.model.waitForRequest(before + 2);

    const runId = await stack.resetToStart(earlier, 'run it again');
    expect(await eventually(() => progressOf(stack, earlier), (value) => value.queuePosition === 1)).toMatchObject({ phase: 'running' });
    expect(imagesIn(stack.model.requests[before + 2]!)).toHaveLength(0);

    holderThinks.resolve();
    await stack.client.workflow.getHandle(holder).result();
    expect(await stack.client.workflow.getHandle(earlier, runId).result()).toMatchObject({ reason: 'completed', text: 'reset run done' });
    expect(stack.model.requests.slice(before).map(promptOf)).toEqual(['reset me later', 'holding the screen', 'reset me later', 'reset me later']);
  });
});
