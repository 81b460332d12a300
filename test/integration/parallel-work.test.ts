import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskMemo, TaskResult, TaskStatus } from '../../common/contract.js';
import { startTask } from '../../common/task-starter.js';
import { deferred, eventually } from '../helpers/async.js';
import { startDesktopStack, type DesktopStack } from '../helpers/desktop-stack.js';
import { endTurn, lastToolResults, toolsetCall, toolsetReply, toolUseReply, type RecordedRequest, type ScriptedReply } from '../helpers/fake-messages-api.js';
import { startTestWebApp, type TestWebApp } from '../helpers/test-web-app.js';

const promptOf = (request: RecordedRequest): string => String(request.body.messages[0]!.content[0]!.text);

async function progressOf(stack: DesktopStack, taskId: string): Promise<TaskStatus> {
  const memo = (await stack.client.workflow.getHandle(taskId).describe()).memo as Partial<TaskMemo> | undefined;
  if (!memo?.progress) throw new Error('no progress yet');
  return memo.progress;
}

describe('work that needs no screen runs beside a task that drives it', () => {
  let stack: DesktopStack;
  let web: TestWebApp;

  beforeAll(async () => {
    stack = await startDesktopStack({ model: 'claude-sonnet-5-5' });
    web = await startTestWebApp();
    await stack.startWorker();
  });
  afterAll(async () => {
    await web?.close();
    await stack?.stop();
  });

  it('a web task and a file task given after a screen task finish while the screen task still runs', async () => {
    const screenTaskThinks = deferred();
    const script: Record<string, ScriptedReply[]> = {
      'drive the screen': [toolsetReply(toolsetCall('mouse_move', { coordinate: [10, 10] })), { ...endTurn('Moved.'), after: screenTaskThinks.promise }],
      'read the field notes': [toolsetReply(toolsetCall('navigate', { url: `${web.origin}/text` }, { toolset: 'browser' })), toolsetReply(toolsetCall('get_page_text', {}, { toolset: 'browser' })), endTurn('42 lanterns.')],
      'write the note': [toolUseReply({ name: 'str_replace_based_edit_tool', input: { command: 'create', path: path.join(stack.roots[0]!, 'note.txt'), file_text: 'written beside\n' } }), endTurn('Written.')],
    };
    stack.model.enqueue(...Array.from({ length: 7 }, () => (request: RecordedRequest) => script[promptOf(request)]!.shift()!));

    const screenTask = await startTask(stack.client, stack.config, { prompt: 'drive the screen', desktopId: stack.desktopId });
    await stack.model.waitForRequest(2);
    const webTask = await startTask(stack.client, stack.config, { prompt: 'read the field notes', desktopId: stack.desktopId });
    const fileTask = await startTask(stack.client, stack.config, { prompt: 'write the note', desktopId: stack.desktopId });

    const [web1, file1] = (await Promise.all([webTask, fileTask].map((id) => stack.client.workflow.getHandle(id).result()))) as TaskResult[];
    expect(web1).toMatchObject({ reason: 'completed', text: '42 lanterns.' });
    expect(file1).toMatchObject({ reason: 'completed', text: 'Written.' });
    expect((await stack.client.workflow.getHandle(screenTask).describe()).status.name).toBe('RUNNING');

    // Effects, checked from outside: the page was fetched and its text read; the file is there.
    expect(web.requests.map((request) => request.path)).toContain('/text');
    const pageText = stack.model.requests.filter((request) => promptOf(request) === 'read the field notes').at(-1)!;
    expect(lastToolResults(pageText)[0]!.text).toMatch(/42 lanterns/);
    expect(await readFile(path.join(stack.roots[0]!, 'note.txt'), 'utf8')).toBe('written beside\n');

    screenTaskThinks.resolve();
    expect(await stack.client.workflow.getHandle(screenTask).result()).toMatchObject({ reason: 'completed', text: 'Moved.' });
  });

  it('a web task that found the screen free lets a screen task given after it have the screen', async () => {
    stack.model.drain();
    const [readsPage, ends] = [deferred(), deferred()];
    const script: Record<string, ScriptedReply[]> = {
      'browse the shelf': [
        toolsetReply(toolsetCall('navigate', { url: `${web.origin}/text` }, { toolset: 'browser' })),
        { ...toolsetReply(toolsetCall('get_page_text', {}, { toolset: 'browser' })), after: readsPage.promise },
        { ...endTurn('Read the shelf.'), after: ends.promise },
      ],
      'look at the screen': [toolsetReply(toolsetCall('screenshot', {})), endTurn('Saw the screen.')],
    };
    stack.model.enqueue(...Array.from({ length: 5 }, () => (request: RecordedRequest) => script[promptOf(request)]!.shift()!));
    const before = stack.model.requests.length;
    // Nobody holds the screen: the web task takes it, and starts with a screenshot.
    const webTask = await startTask(stack.client, stack.config, { prompt: 'browse the shelf', desktopId: stack.desktopId });
    await stack.model.waitForRequest(before + 2);
    const screenTask = await startTask(stack.client, stack.config, { prompt: 'look at the screen', desktopId: stack.desktopId });
    await eventually(() => progressOf(stack, screenTask), (value) => /^Waiting for the screen/.test(value.currentStep));
    readsPage.resolve();

    // After a turn that did not use the screen, the web task lets the waiting task have it.
    expect(await stack.client.workflow.getHandle(screenTask).result()).toMatchObject({ reason: 'completed', text: 'Saw the screen.' });
    expect((await stack.client.workflow.getHandle(webTask).describe()).status.name).toBe('RUNNING');
    ends.resolve();
    expect(await stack.client.workflow.getHandle(webTask).result()).toMatchObject({ reason: 'completed', text: 'Read the shelf.' });
  });

  it('at most DISPATCH_MAX_PARALLEL tasks work at once; the next waits its turn, then runs', async () => {
    stack.model.drain();
    const holds = [deferred(), deferred()];
    const script: Record<string, ScriptedReply[]> = {
      'first of three': [{ ...endTurn('first done'), after: holds[0]!.promise }],
      'second of three': [{ ...endTurn('second done'), after: holds[1]!.promise }],
      'third of three': [endTurn('third done')],
    };
    stack.model.enqueue(...Array.from({ length: 3 }, () => (request: RecordedRequest) => script[promptOf(request)]!.shift()!));
    const config = { ...stack.config, maxParallel: 2 };
    const before = stack.model.requests.length;
    const first = await startTask(stack.client, config, { prompt: 'first of three', desktopId: stack.desktopId });
    const second = await startTask(stack.client, config, { prompt: 'second of three', desktopId: stack.desktopId });
    await stack.model.waitForRequest(before + 2);
    const third = await startTask(stack.client, config, { prompt: 'third of three', desktopId: stack.desktopId });
    const waiting = await eventually(() => progressOf(stack, third), (value) => value.queuePosition === 1);
    expect(waiting).toMatchObject({ phase: 'queued', currentStep: 'Queued: number 1 in line' });
    expect(stack.model.requests.slice(before).map(promptOf)).not.toContain('third of three');

    holds[1]!.resolve();
    expect(await stack.client.workflow.getHandle(third).result()).toMatchObject({ reason: 'completed', text: 'third done' });
    expect((await stack.client.workflow.getHandle(first).describe()).status.name).toBe('RUNNING');
    holds[0]!.resolve();
    await stack.client.workflow.getHandle(first).result();
    await stack.client.workflow.getHandle(second).result();
  });
});
