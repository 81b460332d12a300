import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  answerSignal,
  approvalSignal,
  followUpSignal,
  screenLockStateQuery,
  screenLockWorkflowId,
  type TaskMemo,
  type TaskResult,
  type TaskStatus,
} from '../../common/contract.js';
import { continueTask, startTask } from '../../common/task-starter.js';
import { deferred, eventually } from '../helpers/async.js';
import { startDesktopStack, type DesktopStack, type WorkerProcess } from '../helpers/desktop-stack.js';
import { computer, endTurn, lastToolResults, toolUseReply, type RecordedRequest } from '../helpers/fake-messages-api.js';
import { launchApp, waitForWindow, windowCentre } from '../helpers/x-display.js';
import { runCli } from '../helpers/run-cli.js';

/** What a phone sees of the task: the progress the workflow publishes in its memo. */
async function progressOf(stack: DesktopStack, taskId: string): Promise<TaskStatus> {
  const memo = (await stack.client.workflow.getHandle(taskId).describe()).memo as Partial<TaskMemo> | undefined;
  if (!memo?.progress) throw new Error('no progress yet');
  return memo.progress;
}

const textOf = (request: RecordedRequest): string => JSON.stringify(request.body.messages.at(-1));

const cli = (stack: DesktopStack, args: string[]) => runCli(stack.env, args);

describe('a task that needs the person', () => {
  let stack: DesktopStack;
  let worker: WorkerProcess;
  let before = 0;

  beforeAll(async () => {
    stack = await startDesktopStack({ width: 1280, height: 800 });
    worker = await stack.startWorker();
  });
  afterAll(async () => {
    await stack?.stop();
  });
  beforeEach(() => {
    stack.model.drain();
    before = stack.model.requests.length;
  });

  it('asks a question, lets other tasks have the screen while it waits, and hands the answer to the model', async () => {
    stack.model.enqueue(toolUseReply({ name: 'ask_user', input: { question: 'Which quarter?', options: ['Q3', 'Q4'] }, id: 'toolu_ask_1' }), endTurn('Used Q3.'));
    const taskId = await startTask(stack.client, stack.config, { prompt: 'summarise the quarter', desktopId: stack.desktopId });
    const waiting = await eventually(() => progressOf(stack, taskId), (value) => value.phase === 'needs_input');
    expect(waiting.question).toEqual({ id: 'toolu_ask_1', text: 'Which quarter?', options: ['Q3', 'Q4'] });
    expect(waiting.currentStep).toBe('Waiting for your answer');
    const lock = await stack.client.workflow.getHandle(screenLockWorkflowId(stack.desktopId)).query(screenLockStateQuery);
    expect(lock.holder).toBeNull();

    const handle = stack.client.workflow.getHandle(taskId);
    await handle.signal(answerSignal, { questionId: 'toolu_someone_else', text: 'ignored' });
    await handle.signal(answerSignal, { questionId: 'toolu_ask_1', text: 'Q3' });
    expect(await handle.result()).toMatchObject({ reason: 'completed', text: 'Used Q3.' });
    expect(lastToolResults(stack.model.requests[before + 1]!)).toEqual([expect.objectContaining({ tool_use_id: 'toolu_ask_1', text: 'The person answered: Q3' })]);
  });

  it('waits for approval before each action the policy names: a declined one never runs, an approved one does', async () => {
    const file = path.join(stack.roots[0]!, 'approved.txt');
    await launchApp(stack.display, 'xterm', ['-geometry', '60x10+200+150', '-T', 'approve-notes', '-e', 'sh', '-c', `cat > '${file}'`]);
    await waitForWindow(stack.display, '^approve-notes$');
    const { x, y } = await windowCentre(stack.display, '^approve-notes$');
    const centre = [Math.round(x), Math.round(y)];

    stack.model.enqueue(
      toolUseReply({ name: 'computer', input: { action: 'left_click', coordinate: centre } }, { name: 'computer', input: { action: 'type', text: 'declined text' }, id: 'toolu_type_1' }),
      toolUseReply({ name: 'computer', input: { action: 'type', text: 'approved text\n' }, id: 'toolu_type_2' }, { name: 'computer', input: { action: 'key', text: 'ctrl+d' } }),
      endTurn('Typed after approval.'),
    );
    const taskId = await startTask(stack.client, { ...stack.config, approve: ['type'] }, { prompt: 'type into the notes', desktopId: stack.desktopId });
    const handle = stack.client.workflow.getHandle(taskId);

    const first = await eventually(() => progressOf(stack, taskId), (value) => value.phase === 'needs_approval');
    expect(first.approval).toEqual({ id: 'toolu_type_1', tool: 'type', summary: 'type 13 characters', input: { action: 'type', text: 'declined text' } });
    await handle.signal(approvalSignal, { approvalId: 'toolu_type_1', approve: false });

    await eventually(() => progressOf(stack, taskId), (value) => value.approval?.id === 'toolu_type_2');
    expect(lastToolResults(stack.model.requests[before + 1]!).at(-1)).toMatchObject({ tool_use_id: 'toolu_type_1', is_error: true, text: expect.stringMatching(/declined/) });
    await handle.signal(approvalSignal, { approvalId: 'toolu_type_2', approve: true });

    expect(await handle.result()).toMatchObject({ reason: 'completed', text: 'Typed after approval.' });
    expect(await readFile(file, 'utf8')).toBe('approved text\n');
  });

  it('reads a message sent while it runs at the next decision, and continues the same task after it finished', async () => {
    const thinking = deferred();
    stack.model.enqueue({ ...computer({ action: 'mouse_move', coordinate: [5, 5] }), after: thinking.promise }, endTurn('Moved, and noted the message.'), endTurn('Did the extra step too.'));
    const taskId = await startTask(stack.client, stack.config, { prompt: 'move the mouse', desktopId: stack.desktopId });
    const handle = stack.client.workflow.getHandle(taskId);
    await stack.model.waitForRequest(before + 1);
    await handle.signal(followUpSignal, { text: 'also keep it near the corner' });
    thinking.resolve();
    const first = (await handle.result()) as TaskResult;
    expect(first).toMatchObject({ reason: 'completed', text: 'Moved, and noted the message.' });
    expect(textOf(stack.model.requests[before + 1]!)).toMatch(/A message from the person: also keep it near the corner/);

    const memo = (await handle.describe()).memo as unknown as TaskMemo;
    await continueTask(stack.client, stack.config, {
      taskId,
      memo,
      followUp: { text: 'now do the extra step', transcriptRef: first.transcriptRef, stepsTaken: first.steps, recentSteps: first.recentSteps },
    });
    expect(await stack.client.workflow.getHandle(taskId).result()).toMatchObject({ reason: 'completed', text: 'Did the extra step too.', steps: 3 });
    const followed = stack.model.requests[before + 2]!;
    expect(followed.body.messages.length).toBeGreaterThan(3);
    expect(textOf(followed)).toMatch(/A message from the person: now do the extra step/);
  });

  it('keeps a question and an approval through a kill -9 of the worker and the Temporal server, and finishes once answered', async () => {
    const report = path.join(stack.roots[0]!, 'report.txt');
    stack.model.enqueue(
      toolUseReply({ name: 'ask_user', input: { question: 'Send it now?' }, id: 'toolu_ask_2' }),
      toolUseReply({ name: 'str_replace_based_edit_tool', input: { command: 'create', path: report, file_text: 'sent\n' }, id: 'toolu_write_1' }),
      endTurn('Sent.'),
    );
    const taskId = await startTask(stack.client, { ...stack.config, approve: ['str_replace_based_edit_tool'] }, { prompt: 'send the report', desktopId: stack.desktopId });
    await eventually(() => progressOf(stack, taskId), (value) => value.phase === 'needs_input');

    const crashEverything = async (): Promise<void> => {
      await worker.kill();
      await stack.temporal.server.stop(0);
      await stack.temporal.restart();
      worker = await stack.startWorker();
    };
    await crashEverything();
    await eventually(() => progressOf(stack, taskId), (value) => value.question?.id === 'toolu_ask_2');
    await stack.client.workflow.getHandle(taskId).signal(answerSignal, { questionId: 'toolu_ask_2', text: 'yes' });

    await eventually(() => progressOf(stack, taskId), (value) => value.approval?.id === 'toolu_write_1');
    await crashEverything();
    await eventually(() => progressOf(stack, taskId), (value) => value.approval?.id === 'toolu_write_1');
    await expect(readFile(report, 'utf8')).rejects.toThrow();
    await stack.client.workflow.getHandle(taskId).signal(approvalSignal, { approvalId: 'toolu_write_1', approve: true });
    expect(await stack.client.workflow.getHandle(taskId).result()).toMatchObject({ reason: 'completed', text: 'Sent.' });
    expect(await readFile(report, 'utf8')).toBe('sent\n');
  });

  it('takes an answer and a follow-up from the terminal, as the phone gives them', async () => {
    stack.model.enqueue(toolUseReply({ name: 'ask_user', input: { question: 'Which folder?' }, id: 'toolu_ask_cli' }), endTurn('Filed in Receipts.'), endTurn('Also renamed them.'));
    const taskId = await startTask(stack.client, stack.config, { prompt: 'file the receipts', desktopId: stack.desktopId });
    await eventually(() => progressOf(stack, taskId), (value) => value.phase === 'needs_input');

    const answered = await cli(stack, ['answer', taskId, 'Receipts']);
    expect(answered).toMatchObject({ code: 0, stdout: expect.stringMatching(/Answered/) });
    expect(await stack.client.workflow.getHandle(taskId).result()).toMatchObject({ reason: 'completed', text: 'Filed in Receipts.' });
    expect(lastToolResults(stack.model.requests[before + 1]!)[0]).toMatchObject({ text: 'The person answered: Receipts' });

    const late = await cli(stack, ['answer', taskId, 'too late']);
    expect(late.code).toBe(1);
    expect(await cli(stack, ['answer', taskId])).toMatchObject({ code: 2 });

    const said = await cli(stack, ['say', taskId, 'rename them by date too']);
    expect(said).toMatchObject({ code: 0, stdout: expect.stringMatching(/continues/) });
    expect(await stack.client.workflow.getHandle(taskId).result()).toMatchObject({ reason: 'completed', text: 'Also renamed them.' });
  });

  it('takes a message given while the desktop was away, before the task first ran', async () => {
    await worker.stop();
    stack.model.enqueue(endTurn('Watered them too.'));
    const taskId = await startTask(stack.client, stack.config, { prompt: 'tidy the desk', desktopId: stack.desktopId });
    const handle = stack.client.workflow.getHandle(taskId);
    // Recorded in the task's history before its first step: the desktop reads both at once.
    await handle.signal(followUpSignal, { text: 'also water the plants' });
    worker = await stack.startWorker();
    expect(await handle.result()).toMatchObject({ reason: 'completed', text: 'Watered them too.' });
    expect(textOf(stack.model.requests[before]!)).toContain('A message from the person: also water the plants');
  });
});
