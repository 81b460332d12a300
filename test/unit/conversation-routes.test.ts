import { WorkflowNotFoundError } from '@temporalio/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FollowUp, TaskMemo, TaskResult, TaskStatus } from '../../common/contract.js';
import { createConversationRouter } from '../../gateway/conversation-routes.js';
import { createConversationService } from '../../gateway/conversation-service.js';
import type { TaskRunView, TaskWorkflows } from '../../gateway/task-workflows.js';
import { buildGatewayTestApp, listen, type ListeningApp } from '../helpers/gateway-test-app.js';
import { Router } from 'express';

const ID = 'task-00000000-0000-0000-0000-000000000001';
const MEMO: TaskMemo = { prompt: 'tidy the downloads', desktopId: 'desk', model: 'claude-sonnet-4-6' };
const progress = (status: Partial<TaskStatus>): TaskStatus => ({ phase: 'running', queuePosition: 0, stepsTaken: 3, currentStep: 'Thinking', recentSteps: [], ...status });
const RESULT: TaskResult = { reason: 'completed', text: 'Done.', steps: 3, transcriptRef: 'a'.repeat(64), recentSteps: [{ index: 3, at: '2030-01-01T00:00:00Z', description: 'type 5 characters' }] };

/** A task's workflow as the routes see it, recording what they do to it. */
function fakeWorkflows() {
  const calls: Array<[string, ...unknown[]]> = [];
  const state = { run: undefined as TaskRunView | undefined, result: RESULT, alreadyRunning: false, gone: false };
  const signal = (name: string) => async (id: string, arg: unknown) => {
    if (state.gone) {
      state.gone = false;
      state.run = { status: 'COMPLETED', memo: MEMO };
      throw new WorkflowNotFoundError('workflow execution already completed', id, undefined);
    }
    calls.push([name, id, arg]);
  };
  const workflows: TaskWorkflows = {
    describe: async (id) => (id === ID ? state.run : undefined),
    result: async () => state.result,
    answer: signal('answer'),
    decide: signal('decide'),
    followUp: signal('followUp'),
    async continueTask(id: string, memo: TaskMemo, followUp: FollowUp) {
      calls.push(['continue', id, memo, followUp]);
      return !state.alreadyRunning;
    },
  };
  return { workflows, calls, state };
}

describe('answering, approving and following up on a task', () => {
  let fake: ReturnType<typeof fakeWorkflows>;
  let changed: string[];
  let server: ListeningApp;

  beforeEach(async () => {
    fake = fakeWorkflows();
    changed = [];
    const conversation = createConversationService({ workflows: fake.workflows, onChange: (id) => changed.push(id) });
    const api = Router();
    api.use('/api', createConversationRouter({ conversation }));
    server = await listen(buildGatewayTestApp([api]));
  });
  afterEach(() => server.close());

  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${server.base}/api/tasks/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> & { error?: { code: string; message: string; field?: string } } };
  };

  it('delivers an answer to the question the task waits on, naming its id', async () => {
    fake.state.run = { status: 'RUNNING', memo: { ...MEMO, progress: progress({ phase: 'needs_input', question: { id: 'toolu_q1', text: 'Which folder?', options: ['A', 'B'] } }) } };
    expect(await post(`${ID}/answer`, { text: '  B ' })).toEqual({ status: 202, body: { id: ID } });
    expect(fake.calls).toEqual([['answer', ID, { questionId: 'toolu_q1', text: 'B' }]]);
    expect(changed).toEqual([ID]);
  });

  it('answers 409 to an answer or a decision the task is not waiting for, and 404 for no such task', async () => {
    fake.state.run = { status: 'RUNNING', memo: { ...MEMO, progress: progress({ phase: 'running' }) } };
    const answer = await post(`${ID}/answer`, { text: 'B' });
    expect(answer).toMatchObject({ status: 409, body: { error: { code: 'not_waiting', message: expect.stringContaining('running') } } });
    expect((await post(`${ID}/approval`, { approve: true })).status).toBe(409);
    fake.state.run = { status: 'RUNNING', memo: { ...MEMO, progress: progress({ phase: 'needs_input', question: { id: 'q', text: '?' } }) } };
    expect((await post(`${ID}/approval`, { approve: true })).status).toBe(409);
    fake.state.run = { status: 'COMPLETED', memo: { ...MEMO, progress: progress({ phase: 'needs_input', question: { id: 'q', text: '?' } }) } };
    expect((await post(`${ID}/answer`, { text: 'B' })).status).toBe(409);
    expect((await post('task-00000000-0000-0000-0000-000000000002/answer', { text: 'B' })).status).toBe(404);
    expect((await post('not-a-task/answer', { text: 'B' })).status).toBe(404);
    expect(fake.calls).toEqual([]);
  });

  it('answers 422 to a body that is not an answer, a decision or a message', async () => {
    fake.state.run = { status: 'RUNNING', memo: { ...MEMO, progress: progress({ phase: 'needs_approval', approval: { id: 'a1', tool: 'type', summary: 'type hi', input: { text: 'hi' } } }) } };
    for (const [path, body] of [
      ['answer', {}],
      ['answer', { text: '   ' }],
      ['answer', { text: 'x'.repeat(20_001) }],
      ['answer', { text: 'B', questionId: 'other' }],
      ['approval', { approve: 'yes' }],
      ['approval', { approve: true, always: 1 }],
      ['messages', { text: 3 }],
    ] as const) {
      expect((await post(`${ID}/${path}`, body)).status, `${path} ${JSON.stringify(body).slice(0, 60)}`).toBe(422);
    }
    expect(fake.calls).toEqual([]);
  });

  it('delivers a decision on the action waiting; "always" only goes with an approval', async () => {
    fake.state.run = { status: 'RUNNING', memo: { ...MEMO, progress: progress({ phase: 'needs_approval', approval: { id: 'a1', tool: 'type', summary: 'type hi', input: { text: 'hi' } } }) } };
    expect((await post(`${ID}/approval`, { approve: true, always: true })).status).toBe(202);
    expect((await post(`${ID}/approval`, { approve: false, always: true })).status).toBe(202);
    expect(fake.calls).toEqual([
      ['decide', ID, { approvalId: 'a1', approve: true, always: true }],
      ['decide', ID, { approvalId: 'a1', approve: false }],
    ]);
  });

  it('passes a follow-up to a running task, and continues a finished one under the same id', async () => {
    fake.state.run = { status: 'RUNNING', memo: { ...MEMO, progress: progress({}) } };
    expect(await post(`${ID}/messages`, { text: 'use the D: drive' })).toEqual({ status: 202, body: { id: ID, continued: false } });
    fake.state.run = { status: 'COMPLETED', memo: MEMO };
    expect(await post(`${ID}/messages`, { text: 'now do March' })).toEqual({ status: 202, body: { id: ID, continued: true } });
    expect(fake.calls).toEqual([
      ['followUp', ID, { text: 'use the D: drive' }],
      ['continue', ID, MEMO, { text: 'now do March', transcriptRef: RESULT.transcriptRef, stepsTaken: 3, recentSteps: RESULT.recentSteps }],
    ]);
  });

  it('gives a follow-up that lost the race to continue a task to the run that won', async () => {
    fake.state.run = { status: 'COMPLETED', memo: MEMO };
    fake.state.alreadyRunning = true;
    expect(await post(`${ID}/messages`, { text: 'also April' })).toEqual({ status: 202, body: { id: ID, continued: false } });
    expect(fake.calls.map(([name]) => name)).toEqual(['continue', 'followUp']);
    fake.calls.length = 0;
    fake.state.alreadyRunning = false;
    fake.state.run = { status: 'RUNNING', memo: MEMO };
    fake.state.gone = true;
    expect(await post(`${ID}/messages`, { text: 'and May' })).toEqual({ status: 202, body: { id: ID, continued: true } });
  });

  it('refuses to continue a task whose workflow failed or was stopped, suggesting a retry', async () => {
    for (const status of ['FAILED', 'TERMINATED', 'TIMED_OUT', 'CANCELLED']) {
      fake.state.run = { status, memo: MEMO };
      const response = await post(`${ID}/messages`, { text: 'again' });
      expect(response.status, status).toBe(409);
      expect(response.body.error).toMatchObject({ code: 'not_continuable', message: expect.stringMatching(/Retry/) });
    }
    expect(fake.calls).toEqual([]);
  });
});
