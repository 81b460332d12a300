import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTask } from '../../common/task-starter.js';
import { endTurn, lastToolResults, toolUseReply, type RecordedRequest } from '../helpers/fake-messages-api.js';
import { startDesktopStack, type DesktopStack, type WorkerProcess } from '../helpers/desktop-stack.js';
import { flushTerminal, launchApp, waitForWindow } from '../helpers/x-display.js';

/** Polls every millisecond: the crash must land while the tool call is still under way. */
async function whenTrue(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error('the awaited change never happened');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

const occurrences = (text: string, needle: string) => text.split(needle).length - 1;

/** The attempt on which the task's one `performFileTool` activity finished (1 unless it was retried). */
async function fileToolAttempt(stack: DesktopStack, taskId: string): Promise<number> {
  const { events } = await stack.client.workflow.getHandle(taskId).fetchHistory();
  const scheduled = events!.find((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'performFileTool')!;
  const started = events!.find((event) => String(event.activityTaskStartedEventAttributes?.scheduledEventId) === String(scheduled.eventId));
  return started!.activityTaskStartedEventAttributes!.attempt!;
}

describe('a tool call cut short by a worker crash takes effect at most once', () => {
  let stack: DesktopStack;
  let typedFile: string;
  /** This test's workers and tasks: none may outlive it, or it would take the next test's calls and replies. */
  let workers: WorkerProcess[] = [];
  let tasks: string[] = [];
  const startWorker = async (): Promise<WorkerProcess> => {
    const worker = await stack.startWorker();
    workers.push(worker);
    return worker;
  };
  const startTheTask = async (prompt: string): Promise<string> => {
    const taskId = await startTask(stack.client, stack.config, { prompt, desktopId: stack.desktopId });
    tasks.push(taskId);
    return taskId;
  };

  beforeAll(async () => {
    stack = await startDesktopStack();
    typedFile = path.join(stack.roots[0]!, 'typed.txt');
    await launchApp(stack.display, 'xterm', ['-geometry', '80x24+0+0', '-T', 'journal', '-e', 'sh', '-c', `cat > '${typedFile}'`]);
    await waitForWindow(stack.display, '^journal$');
  });

  afterEach(async () => {
    await Promise.all(tasks.map((taskId) => stack.client.workflow.getHandle(taskId).terminate('test over').catch(() => undefined)));
    await Promise.all(workers.map((worker) => worker.kill()));
    stack.model.drain();
    [workers, tasks] = [[], []];
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('typing killed half-way is not typed again after the restart, and the model hears it may or may not have happened', async () => {
    let nextRequest: RecordedRequest | undefined;
    stack.model.enqueue(
      // The terminal passes "first line" on at its newline; the rest is still being typed when it shows.
      toolUseReply({ name: 'computer', id: 'toolu_typing', input: { action: 'type', text: `first line\n${'x'.repeat(3000)}` } }),
      (request) => {
        nextRequest = request;
        return endTurn('Typed what I could.');
      },
    );
    const worker = await startWorker();
    const taskId = await startTheTask('type a long text');

    await whenTrue(async () => (await readFile(typedFile, 'utf8')).includes('first line'));
    await worker.kill();
    await startWorker();

    expect(await stack.client.workflow.getHandle(taskId).result()).toMatchObject({ reason: 'completed', text: 'Typed what I could.' });
    expect(occurrences(await flushTerminal(stack.display, typedFile), 'first line')).toBe(1);
    const answer = lastToolResults(nextRequest!).find((result) => result.tool_use_id === 'toolu_typing');
    expect(answer).toMatchObject({ is_error: true, text: expect.stringContaining('may or may not have happened') });
  });

  it('a file edit killed after the file was replaced is not made again, and the model is told it was made', async () => {
    const bigFile = path.join(stack.roots[0]!, 'big.txt');
    await writeFile(bigFile, 'a line of a large file\n'.repeat(430_000));
    const original = await stat(bigFile);
    expect(original.size).toBeGreaterThan(9_500_000);
    let nextRequest: RecordedRequest | undefined;
    stack.model.enqueue(
      toolUseReply({ name: 'str_replace_based_edit_tool', id: 'toolu_insert', input: { command: 'insert', path: bigFile, insert_line: 0, insert_text: 'INSERTED LINE' } }),
      (request) => {
        nextRequest = request;
        return endTurn('Added the line.');
      },
    );
    const worker = await startWorker();
    const taskId = await startTheTask('put a line on top of big.txt');

    // The rename replaces the file (a new inode): kill the worker before it reports back.
    await whenTrue(async () => (await stat(bigFile)).ino !== original.ino);
    await worker.kill();
    const killedAt = Date.now();
    await startWorker();

    expect(await stack.client.workflow.getHandle(taskId).result()).toMatchObject({ reason: 'completed', text: 'Added the line.' });
    const edited = await readFile(bigFile, 'utf8');
    expect(occurrences(edited, 'INSERTED LINE')).toBe(1);
    expect(edited.startsWith('INSERTED LINE\na line of a large file\n')).toBe(true);
    expect(await readdir(stack.roots[0]!)).not.toContainEqual(expect.stringContaining('dispatch-tmp'));
    const answer = lastToolResults(nextRequest!).find((result) => result.tool_use_id === 'toolu_insert');
    expect(answer?.is_error).toBeFalsy();
    expect(answer?.text).toMatch(/^Inserted 1 line\(s\) after line 0 of /);
    // The crash did cut the call short (it ran again), and the heartbeat timeout, not the
    // two-minute start-to-close timeout, decided how soon.
    expect(await fileToolAttempt(stack, taskId)).toBeGreaterThan(1);
    expect(nextRequest!.receivedAt - killedAt).toBeLessThan(45_000);
  });
});
