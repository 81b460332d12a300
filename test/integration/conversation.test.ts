import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createdTaskSchema, taskDetailSchema, taskListSchema, type TaskDetail } from '../../common/api-schemas.js';
import { loadConfig } from '../../common/config.js';
import { createLogger } from '../../common/logger.js';
import { createDeviceRegistry } from '../../gateway/device-registry.js';
import { startGateway, type RunningGateway } from '../../gateway/gateway.js';
import { deferred, eventually } from '../helpers/async.js';
import { apiError, computer, endTurn, lastToolResults, toolUseReply, type RecordedRequest } from '../helpers/fake-messages-api.js';
import { startDesktopStack, type DesktopStack } from '../helpers/desktop-stack.js';
import { freePort } from '../helpers/temporal-server.js';

/** Every text the model was shown in a request, tool results included, as one string. */
const shown = (request: RecordedRequest): string => JSON.stringify(request.body.messages);

describe('talking to a task from the phone: answers, approvals and follow-ups', () => {
  let stack: DesktopStack;
  let gateway: RunningGateway;
  let token: string;
  const api = (route: string, init: RequestInit = {}) =>
    fetch(`${gateway.localUrl}${route}`, { ...init, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...init.headers } });
  const post = (route: string, body: unknown) => api(route, { method: 'POST', body: JSON.stringify(body) });
  const detail = async (id: string): Promise<TaskDetail> => taskDetailSchema.parse(await (await api(`/api/tasks/${id}`)).json());
  const dispatch = async (prompt: string) => createdTaskSchema.parse(await (await post('/api/tasks', { prompt })).json()).id;
  const until = (id: string, status: TaskDetail['status']) => eventually(() => detail(id), (task) => task.status === status);

  beforeAll(async () => {
    stack = await startDesktopStack();
    await stack.startWorker();
    const port = await freePort();
    const config = loadConfig({ ...stack.env, DISPATCH_PORT: String(port), DISPATCH_HOST: '127.0.0.1', DISPATCH_SETUP_PORT: String(await freePort()), DISPATCH_PUBLIC_URL: `http://127.0.0.1:${port}`, DISPATCH_APPROVE: 'mouse_move' });
    const registry = await createDeviceRegistry({ file: config.paths.devices });
    token = (await registry.register('Test phone')).token;
    await registry.flush();
    gateway = await startGateway({ config, client: stack.client, desktopId: stack.desktopId, logger: createLogger('test-gateway', () => {}), version: 'test', keepAwake: () => ({ mode: 'test', active: false }) });
  });

  afterAll(async () => {
    await gateway?.close();
    await stack?.stop();
  });

  it('shows the agent\'s question, takes the answer, and the agent carries on with it', async () => {
    stack.model.enqueue(toolUseReply({ name: 'ask_user', input: { question: 'Which month should I file?', options: ['March', 'April'] } }), endTurn('Filed April.'));
    const id = await dispatch('file the invoices');
    const waiting = await until(id, 'needs_input');
    expect(waiting.question).toEqual({ id: expect.any(String), text: 'Which month should I file?', options: ['March', 'April'] });
    const listed = taskListSchema.parse(await (await api('/api/tasks')).json()).tasks.find((task) => task.id === id);
    expect(listed?.status).toBe('needs_input');
    expect((await post(`/api/tasks/${id}/approval`, { approve: true })).status).toBe(409);

    const asked = stack.model.requests.length;
    expect((await post(`/api/tasks/${id}/answer`, { text: 'April' })).status).toBe(202);
    expect(await until(id, 'succeeded')).toMatchObject({ result: 'Filed April.' });
    expect(lastToolResults(stack.model.requests[asked]!).map((result) => JSON.stringify(result))).toEqual([expect.stringContaining('April')]);
    expect((await post(`/api/tasks/${id}/answer`, { text: 'too late' })).status).toBe(409);
  });

  it('shows an action waiting for approval with its whole input; approving "always" lets the next one run unasked', async () => {
    stack.model.enqueue(computer({ action: 'mouse_move', coordinate: [30, 40] }), computer({ action: 'mouse_move', coordinate: [50, 60] }), endTurn('Moved twice.'));
    const id = await dispatch('move the pointer twice');
    const waiting = await until(id, 'needs_approval');
    expect(waiting.approval).toMatchObject({ id: expect.any(String), tool: 'mouse_move', input: { action: 'mouse_move', coordinate: [30, 40] } });
    expect((await post(`/api/tasks/${id}/answer`, { text: 'yes' })).status).toBe(409);
    expect((await post(`/api/tasks/${id}/approval`, { approve: true, always: true })).status).toBe(202);
    const done = await until(id, 'succeeded');
    expect(done.steps.map((step) => step.description)).toEqual(['mouse move at (30, 40)', 'mouse move at (50, 60)']);
  });

  it('tells the agent when the person declines, and the action does not run', async () => {
    stack.model.enqueue(computer({ action: 'mouse_move', coordinate: [70, 80] }), endTurn('Understood, not moving.'));
    const id = await dispatch('move the pointer, if I let you');
    await until(id, 'needs_approval');
    const asked = stack.model.requests.length;
    expect((await post(`/api/tasks/${id}/approval`, { approve: false })).status).toBe(202);
    await until(id, 'succeeded');
    expect(shown(stack.model.requests[asked]!)).toMatch(/declined/);
    // The timeline keeps the declined action, marked as not carried out.
    expect((await detail(id)).steps.find((step) => step.description === 'mouse move at (70, 80)')).toMatchObject({ isError: true });
  });

  it('passes a message to a running task, which the model reads at its next decision', async () => {
    const thinking = deferred();
    stack.model.enqueue({ ...computer({ action: 'screenshot' }), after: thinking.promise }, endTurn('Used the shared drive.'));
    const id = await dispatch('copy the report');
    const before = stack.model.requests.length;
    await stack.model.waitForRequest(before + 1);
    const sent = await post(`/api/tasks/${id}/messages`, { text: 'Use the shared drive, not Downloads' });
    expect(sent.status).toBe(202);
    expect(await sent.json()).toEqual({ id, continued: false });
    thinking.resolve();
    await until(id, 'succeeded');
    expect(shown(stack.model.requests.at(-1)!)).toContain('Use the shared drive, not Downloads');
  });

  it('continues a finished task under the same id with a follow-up, carrying the conversation', async () => {
    stack.model.enqueue(endTurn('The report is in Documents.'));
    const id = await dispatch('where is the report?');
    await until(id, 'succeeded');
    stack.model.enqueue(endTurn('Sent it to Ana.'));
    const sent = await post(`/api/tasks/${id}/messages`, { text: 'Now email it to Ana' });
    expect(sent.status).toBe(202);
    expect(await sent.json()).toEqual({ id, continued: true });
    const again = await eventually(() => detail(id), (task) => task.status === 'succeeded' && task.result === 'Sent it to Ana.');
    expect(again).toMatchObject({ prompt: 'where is the report?', model: stack.config.model });
    const last = shown(stack.model.requests.at(-1)!);
    expect(last).toContain('The report is in Documents.');
    expect(last).toContain('Now email it to Ana');
    expect(taskListSchema.parse(await (await api('/api/tasks')).json()).tasks.filter((task) => task.id === id)).toHaveLength(1);
  });

  it('refuses a follow-up to a task whose workflow failed (409, retry instead), and answers 404 for no such task', async () => {
    stack.model.enqueue(apiError(401, 'authentication_error', 'invalid x-api-key'));
    const id = await dispatch('a task that fails');
    await until(id, 'failed');
    expect((await stack.client.workflow.getHandle(id).describe()).status.name).toBe('FAILED');
    const response = await post(`/api/tasks/${id}/messages`, { text: 'try again' });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: { code: 'not_continuable', message: expect.stringMatching(/Retry/) } });
    expect((await post('/api/tasks/task-00000000-0000-0000-0000-000000000000/messages', { text: 'hi' })).status).toBe(404);
    expect((await post(`/api/tasks/${id}/answer`, { text: '' })).status).toBe(422);
  });
});
