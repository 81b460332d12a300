import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenLockStateQuery, screenLockWorkflowId, type TaskResult } from '../../common/contract.js';
import { startTask } from '../../common/task-starter.js';
import { deferred, eventually } from '../helpers/async.js';
import { startDesktopStack, type DesktopStack } from '../helpers/desktop-stack.js';
import { computer, endTurn, imagesIn, lastToolResults, toolUseReply, type RecordedRequest, type ScriptedReply } from '../helpers/fake-messages-api.js';
import { launchApp, waitForWindow, windowCentre, xdotool } from '../helpers/x-display.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The last release before the toolset change: the code a desktop runs before it is upgraded.
 * CI clones main with its full history, so the commit is there to check out.
 */
const PREVIOUS_RELEASE = 'f72585bd1e43ec2211c0defb83225c436d6a01d1';

/**
 * Checks the previous release out beside this one: a git worktree, or an extracted archive where
 * worktrees are unavailable. It shares this checkout's node_modules.
 */
async function checkOutPreviousRelease(directory: string): Promise<{ root: string; remove(): Promise<void> }> {
  const root = path.join(directory, 'previous-release');
  let remove: () => Promise<void>;
  try {
    await run('git', ['-C', REPO, 'worktree', 'add', '--detach', root, PREVIOUS_RELEASE]);
    remove = async () => {
      await run('git', ['-C', REPO, 'worktree', 'remove', '--force', root]);
    };
  } catch (worktreeError) {
    await rm(root, { recursive: true, force: true });
    await mkdir(root, { recursive: true });
    await new Promise<void>((resolve, reject) => {
      const archive = spawn('git', ['-C', REPO, 'archive', PREVIOUS_RELEASE], { stdio: ['ignore', 'pipe', 'pipe'] });
      const tar = spawn('tar', ['-x', '-C', root], { stdio: ['pipe', 'ignore', 'inherit'] });
      let stderr = '';
      archive.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      archive.stdout.pipe(tar.stdin);
      tar.once('exit', (code) =>
        code === 0
          ? resolve()
          : reject(new Error(`cannot check out ${PREVIOUS_RELEASE} (a shallow clone? fetch the full history): ${String(worktreeError)} ${stderr}`)),
      );
    });
    remove = () => rm(root, { recursive: true, force: true });
  }
  await symlink(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'));
  return { root, remove };
}

/** Where to click, in the screenshot the model was shown, to hit the middle of a window. */
async function middleOf(display: string, title: string, request: RecordedRequest): Promise<[number, number]> {
  const centre = await windowCentre(display, `^${title}$`);
  const [screenWidth, screenHeight] = (await xdotool(display, 'getdisplaygeometry')).split(' ').map(Number) as [number, number];
  const tool = request.body.tools.find((entry) => entry.name === 'computer')!;
  return [
    Math.round((centre.x * Number(tool.display_width_px)) / screenWidth),
    Math.round((centre.y * Number(tool.display_height_px)) / screenHeight),
  ];
}

describe('a task started before an upgrade', () => {
  let stack: DesktopStack;
  let scratch: string;
  let previous: { root: string; remove(): Promise<void> } | undefined;
  let typedFile: string;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'opendispatch-upgrade-'));
    previous = await checkOutPreviousRelease(scratch);
    stack = await startDesktopStack();
    typedFile = path.join(stack.roots[0]!, 'typed.txt');
    launchApp(stack.display, 'xterm', ['-geometry', '80x24+100+100', '-T', 'notes', '-e', 'sh', '-c', `cat > '${typedFile}'`]);
    await waitForWindow(stack.display, '^notes$');
  });

  afterAll(async () => {
    await stack?.stop();
    await previous?.remove();
    await rm(scratch, { recursive: true, force: true });
  });

  it('finishes on the new version, with every action of the old one done exactly once', { timeout: 180_000 }, async () => {
    const summary = path.join(stack.roots[0]!, 'summary.md');
    const upgraded = deferred();
    stack.model.enqueue(
      async (request) =>
        toolUseReply(
          { name: 'computer', input: { action: 'left_click', coordinate: await middleOf(stack.display, 'notes', request) } },
          { name: 'str_replace_based_edit_tool', input: { command: 'create', path: summary, file_text: '# Q3\n\ndraft\n' } },
          { name: 'computer', input: { action: 'type', text: 'before upgrade\n' } },
        ),
      // This answer reaches a worker that is gone: the upgrade happens while the model thinks.
      { ...computer({ action: 'type', text: 'never sent\n' }), after: upgraded.promise },
      toolUseReply(
        { name: 'computer', input: { action: 'type', text: 'after upgrade\n' } },
        { name: 'str_replace_based_edit_tool', input: { command: 'str_replace', path: summary, old_str: 'draft', new_str: 'final' } },
      ),
      endTurn('Wrote the summary across the upgrade.'),
    );

    const oldWorker = await stack.startWorker({ repo: previous!.root });
    // Started the way the previous release starts tasks: its own command line.
    const started = await run(process.execPath, ['--import', 'tsx', path.join(previous!.root, 'cli/opendispatch.ts'), 'task', '--no-follow', 'write the Q3 summary'], {
      env: stack.env,
      cwd: previous!.root,
    });
    const taskId = /Task (\S+) started/.exec(started.stdout)![1]!;

    await stack.model.waitForRequest(2);
    await eventually(() => readFile(typedFile, 'utf8'), (text) => text === 'before upgrade\n');
    await oldWorker.kill();
    const newWorker = await stack.startWorker();
    upgraded.resolve();

    const result = await stack.client.workflow.getHandle(taskId).result();
    expect(result).toMatchObject({ reason: 'completed', text: 'Wrote the summary across the upgrade.', steps: 3 });
    expect(await eventually(() => readFile(typedFile, 'utf8'), (text) => text.length >= 'before upgrade\nafter upgrade\n'.length)).toBe(
      'before upgrade\nafter upgrade\n',
    );
    expect(await readFile(summary, 'utf8')).toBe('# Q3\n\nfinal\n');

    // The new version asked the model again with the old version's results, then with its own.
    const [, , retried, last] = stack.model.requests;
    expect(lastToolResults(retried!).map((entry) => entry.is_error ?? false)).toEqual([false, false, false]);
    expect(lastToolResults(last!).map((entry) => entry.is_error ?? false)).toEqual([false, false]);
    expect(stack.model.requests).toHaveLength(4);

    // Both versions ran the workflow itself: the new one replayed what the old one recorded.
    const history = await stack.client.workflow.getHandle(taskId).fetchHistory();
    const completedBy = new Set(history.events!.flatMap((event) => event.workflowTaskCompletedEventAttributes?.identity ?? []).map((identity) => identity.split(':').at(-1)));
    expect([...completedBy].sort()).toEqual([String(oldWorker.child.pid), String(newWorker.child.pid)].sort());
    await newWorker.kill();
  });

  it("keeps one task at a time on the screen: the old version's screen queue goes on, and a new task waits in it", { timeout: 180_000 }, async () => {
    const oldTask = 'hold the screen across the upgrade';
    const newTask = 'wait for the screen after the upgrade';
    const upgraded = deferred();
    const oldTaskThinks = deferred();
    const script: Record<string, ScriptedReply[]> = {
      [oldTask]: [
        computer({ action: 'mouse_move', coordinate: [50, 50] }),
        // This answer reaches a worker that is gone; the new one asks again.
        { ...endTurn('never sent'), after: upgraded.promise },
        { ...endTurn('old task done'), after: oldTaskThinks.promise },
      ],
      [newTask]: [computer({ action: 'screenshot' }), computer({ action: 'mouse_move', coordinate: [60, 60] }), endTurn('new task done')],
    };
    const promptOf = (request: RecordedRequest) => [oldTask, newTask].find((prompt) => JSON.stringify(request.body.messages[0]).includes(prompt))!;
    stack.model.drain();
    stack.model.enqueue(...Array.from({ length: 6 }, () => (request: RecordedRequest) => script[promptOf(request)]!.shift()!));
    const before = stack.model.requests.length;
    const queue = stack.client.workflow.getHandle(screenLockWorkflowId(stack.desktopId));

    const oldWorker = await stack.startWorker({ repo: previous!.root });
    const started = await run(process.execPath, ['--import', 'tsx', path.join(previous!.root, 'cli/opendispatch.ts'), 'task', '--no-follow', oldTask], { env: stack.env, cwd: previous!.root });
    const oldTaskId = /Task (\S+) started/.exec(started.stdout)![1]!;
    // The old task moved the pointer, so it holds the screen, and is thinking about its next step.
    await stack.model.waitForRequest(before + 2);
    await oldWorker.kill();
    const newWorker = await stack.startWorker();
    upgraded.resolve();

    // The queue the old version started runs on the new worker under its old type name.
    const queueRun = (await queue.describe()).runId;
    expect((await queue.describe()).type).toBe('screenLock');
    expect(await queue.query(screenLockStateQuery)).toEqual({ holder: oldTaskId, waiting: [] });

    const newTaskId = await startTask(stack.client, stack.config, { prompt: newTask, desktopId: stack.desktopId });
    expect(await eventually(() => queue.query(screenLockStateQuery), (state) => state.waiting.length === 1)).toEqual({ holder: oldTaskId, waiting: [newTaskId] });
    expect(await queue.describe()).toMatchObject({ runId: queueRun, type: 'screenLock' });

    oldTaskThinks.resolve();
    expect(await stack.client.workflow.getHandle(oldTaskId).result()).toMatchObject({ reason: 'completed', text: 'old task done' });
    const result = (await stack.client.workflow.getHandle(newTaskId).result()) as TaskResult;
    expect(result).toMatchObject({ reason: 'completed', text: 'new task done' });
    expect(result.recentSteps.map((step) => [step.description, step.isError ?? false])).toEqual([
      ['screenshot', false],
      ['mouse move at (60, 60)', false],
    ]);
    // The new task saw the screen only after the old task's last decision, the one that ended it.
    const asked = stack.model.requests.slice(before).map((request) => ({ prompt: promptOf(request), images: imagesIn(request).length }));
    const newTaskSawScreen = asked.findIndex((request) => request.prompt === newTask && request.images > 0);
    expect(newTaskSawScreen).toBeGreaterThan(asked.findLastIndex((request) => request.prompt === oldTask));
    expect(await queue.query(screenLockStateQuery)).toEqual({ holder: null, waiting: [] });
    await newWorker.kill();
  });
});
