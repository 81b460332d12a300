import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskResult } from '../../common/contract.js';
import { startTask } from '../../common/task-starter.js';
import { deferred, eventually } from '../helpers/async.js';
import { startDesktopStack, type DesktopStack, type WorkerProcess } from '../helpers/desktop-stack.js';
import { endTurn, imagesIn, lastToolResults, toolsetCall, toolsetReply } from '../helpers/fake-messages-api.js';

describe('a task whose display goes away', () => {
  let stack: DesktopStack;
  let worker: WorkerProcess;

  beforeAll(async () => {
    stack = await startDesktopStack({ model: 'claude-sonnet-5-5' });
    worker = await stack.startWorker();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('pauses while the display is gone and goes on once it is back, telling the model the action may not have happened', async () => {
    const thinking = deferred();
    stack.model.enqueue({ ...toolsetReply(toolsetCall('type', { text: 'hello' })), after: thinking.promise }, endTurn('Carried on.'));
    const taskId = await startTask(stack.client, stack.config, { prompt: 'type while the display goes away', desktopId: stack.desktopId });
    await stack.model.waitForRequest(1);

    // The X server dies while the model thinks; its next action is `type`.
    await stack.stopDisplay();
    thinking.resolve();
    // The task waits rather than failing: once the screenshot after the action has failed a third
    // time for want of a display (the worker says so in its terminal), it is still running.
    const failedScreenshots = () => [...worker.output().matchAll(/Activity failed \(attempt=(\d+), activityType=takeScreenshot/g)].map((match) => Number(match[1]));
    await eventually(async () => failedScreenshots(), (attempts) => attempts.some((attempt) => attempt >= 3));
    expect((await stack.client.workflow.getHandle(taskId).describe()).status.name).toBe('RUNNING');
    expect(stack.model.requests).toHaveLength(1);

    await stack.restartDisplay();
    const result = (await stack.client.workflow.getHandle(taskId).result()) as TaskResult;
    expect(result).toMatchObject({ reason: 'completed', text: 'Carried on.' });
    const next = stack.model.requests[1]!;
    expect(lastToolResults(next)[0]).toMatchObject({ is_error: true, text: expect.stringMatching(/may or may not have happened/) });
    expect(imagesIn(next).length).toBeGreaterThan(0);
  });
});
