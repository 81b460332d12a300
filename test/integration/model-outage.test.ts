import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenLockStateQuery, screenLockWorkflowId } from '../../common/contract.js';
import { startTask } from '../../common/task-starter.js';
import { apiError, computer, endTurn, lastToolResults, toolUseReply } from '../helpers/fake-messages-api.js';
import { startDesktopStack, type DesktopStack } from '../helpers/desktop-stack.js';

describe('when the model service misbehaves', () => {
  let stack: DesktopStack;

  beforeAll(async () => {
    stack = await startDesktopStack();
    await stack.startWorker();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('rides out an outage of three 529s, waiting as long as retry-after asks, and finishes', async () => {
    const overloaded = () => apiError(529, 'overloaded_error', 'Overloaded', { 'retry-after': '1.5' });
    const before = stack.model.requests.length;
    stack.model.enqueue(overloaded(), overloaded(), overloaded(), computer({ action: 'wait', duration: 0.1 }), endTurn('Waited.'));
    const taskId = await startTask(stack.client, stack.config, { prompt: 'wait a moment', desktopId: stack.desktopId });
    const result = await stack.client.workflow.getHandle(taskId).result();
    expect(result).toMatchObject({ reason: 'completed', text: 'Waited.', steps: 2 });
    const requests = stack.model.requests.slice(before);
    expect(requests).toHaveLength(5);
    for (const index of [1, 2, 3]) expect(requests[index]!.receivedAt - requests[index - 1]!.receivedAt).toBeGreaterThanOrEqual(1450);
  });

  it('fails the task at once, with a reason a person understands, when the API key is refused', async () => {
    const before = stack.model.requests.length;
    stack.model.enqueue(apiError(401, 'authentication_error', 'invalid x-api-key'));
    const taskId = await startTask(stack.client, stack.config, { prompt: 'anything', desktopId: stack.desktopId });
    const failure = await stack.client.workflow.getHandle(taskId).result().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = (failure as WorkflowFailedError).cause as { message: string; type?: string; cause?: { message: string; type?: string } };
    const applicationFailure = cause.cause ?? cause;
    expect(applicationFailure.message).toMatch(/The API key was refused/);
    expect(applicationFailure.type).toBe('ModelAuthError');
    expect(stack.model.requests.length - before).toBe(1);

    // The person fixes the key and resets the task in the Web UI: it runs again, from the start.
    stack.model.enqueue(endTurn('Done with a working key.'));
    const runId = await stack.resetToStart(taskId, 'API key fixed');
    expect(await stack.client.workflow.getHandle(taskId, runId).result()).toMatchObject({ reason: 'completed', text: 'Done with a working key.' });
  });

  it('tells the model, instead of crashing, when it calls a tool that does not exist or sends a malformed action', async () => {
    const before = stack.model.requests.length;
    stack.model.enqueue(
      { body: { type: 'message', role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_x', name: 'bash', input: { command: 'ls' } }], stop_reason: 'tool_use' } },
      computer({ action: 'left_click', coordinate: [5_000, 5] }),
      computer({ action: 'teleport' }),
      endTurn('Gave up politely.'),
    );
    const taskId = await startTask(stack.client, stack.config, { prompt: 'try odd things', desktopId: stack.desktopId });
    expect(await stack.client.workflow.getHandle(taskId).result()).toMatchObject({ reason: 'completed' });
    const errors = stack.model.requests.slice(before + 1).map((request) => JSON.stringify(lastToolResults(request)));
    expect(errors[0]).toMatch(/"is_error":true/);
    expect(errors[0]).toMatch(/no tool named \\"bash\\"/);
    expect(errors[1]).toMatch(/outside the screen/);
    expect(errors[2]).toMatch(/"is_error":true/);
  });

  it('goes on after a reply cut off at the length limit, and ends as declined when the model refuses', async () => {
    const reply = (text: string, stopReason: string) => ({ body: { type: 'message', role: 'assistant', content: [{ type: 'text', text }], stop_reason: stopReason, usage: { input_tokens: 1, output_tokens: 1 } } });
    const before = stack.model.requests.length;
    stack.model.enqueue(reply('The summary begins with', 'max_tokens'), endTurn('and ends here.'));
    const cutTask = await startTask(stack.client, stack.config, { prompt: 'write a long summary', desktopId: stack.desktopId });
    expect(await stack.client.workflow.getHandle(cutTask).result()).toMatchObject({ reason: 'completed', text: 'and ends here.', steps: 2 });
    const resumed = stack.model.requests[before + 1]!;
    expect(JSON.stringify(resumed.body.messages.at(-1))).toMatch(/cut off at the length limit/);

    stack.model.enqueue(reply('I can not help with that.', 'refusal'));
    const refused = await startTask(stack.client, stack.config, { prompt: 'something it refuses', desktopId: stack.desktopId });
    expect(await stack.client.workflow.getHandle(refused).result()).toMatchObject({ reason: 'declined', text: expect.stringMatching(/declined.*I can not help with that/) });
  });

  it('ends a task whose model never answers at its time limit, saying so, and frees the screen', async () => {
    stack.model.drain();
    stack.model.enqueue({ ...endTurn('too late'), after: new Promise<void>(() => undefined) });
    const taskId = await startTask(stack.client, { ...stack.config, taskTimeoutSeconds: 10 }, { prompt: 'wait for a silent model', desktopId: stack.desktopId });
    const result = await stack.client.workflow.getHandle(taskId).result();
    expect(result).toMatchObject({ reason: 'timed_out', text: expect.stringMatching(/time limit of 10 s/) });
    const lock = await stack.client.workflow.getHandle(screenLockWorkflowId(stack.desktopId)).query(screenLockStateQuery);
    expect(lock.holder).toBeNull();
  });

  it('handles a reply too large for workflow history: a long final text is cut, a huge tool input ends the task with a reason', async () => {
    stack.model.drain();
    stack.model.enqueue(endTurn('x'.repeat(3 * 1024 * 1024)));
    const talkative = await startTask(stack.client, stack.config, { prompt: 'say a lot', desktopId: stack.desktopId });
    const said = await stack.client.workflow.getHandle(talkative).result();
    expect(said.reason).toBe('completed');
    expect(said.text.length).toBeLessThan(21_000);
    expect(said.text).toMatch(/the rest is in the task's transcript/);

    stack.model.enqueue(toolUseReply({ name: 'str_replace_based_edit_tool', input: { command: 'create', path: 'huge.txt', file_text: 'y'.repeat(2 * 1024 * 1024) } }));
    const huge = await startTask(stack.client, stack.config, { prompt: 'write a huge file', desktopId: stack.desktopId });
    const failure = await stack.client.workflow.getHandle(huge).result().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(JSON.stringify((failure as WorkflowFailedError).cause)).toMatch(/more than a task step can carry/);
  });
});
