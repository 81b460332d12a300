/**
 * Records real workflow histories from the checkout this file sits in, for the replay test
 * (test/integration/replay.test.ts): each scenario runs against a real Temporal dev server, a
 * real X display and the fake Messages API, through this checkout's own test helpers and
 * worker, and every workflow it ran is saved as one JSON file.
 *
 * Run it from a checkout of a release, before a change to the workflows, to keep that release's
 * histories replayable (copy this file in if the release predates it):
 *
 *   here=$PWD; git worktree add /tmp/release <commit> && ln -s "$here/node_modules" /tmp/release/node_modules
 *   mkdir -p /tmp/release/test/replay && cp test/replay/capture-histories.ts /tmp/release/test/replay/
 *   (cd /tmp/release && npx tsx test/replay/capture-histories.ts "$here/test/replay/histories" [scenario…])
 *
 * A file is `<scenario>@<commit>[-<part>].json`: { scenario, workflowId, runId, capturedFrom,
 * history }, where `history` is the proto JSON of the history (the shape `historyToJSON` and
 * `temporal workflow show --output json` write). Screenshots and transcripts travel as digests, so a
 * file is tens of KB; the script refuses to write one holding an image.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root.js';
import { startTask } from '../../common/task-starter.js';
import { answerSignal, approvalSignal, screenLockWorkflowId, type TaskMemo, type TaskResult } from '../../common/contract.js';
import { desktopRecordId } from '../../common/desktop-record.js';
import { deferred, eventually } from '../helpers/async.js';
import { startDesktopStack, type DesktopStack } from '../helpers/desktop-stack.js';
import { computer, endTurn, toolsetCall, toolsetReply, toolUseReply, type RecordedRequest } from '../helpers/fake-messages-api.js';
import { launchApp, waitForWindow, windowCentre, xdotool } from '../helpers/x-display.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

// The SDK's own historyToJSON fails ("type must be a Type") when npm nests a separate protobufjs
// under @temporalio/common and @temporalio/proto, so convert with the copy the protos were built by.
const require = createRequire(import.meta.url);
const { toJson } = createRequire(require.resolve('@temporalio/proto'))('protobufjs/ext/protojson') as { toJson(type: unknown, message: unknown): unknown };
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType('temporal.api.history.v1.History');
const MAX_FILE_BYTES = 200_000;
const IMAGE_SIGNATURES = /iVBORw0KGgo|\/9j\/4|UklGR/;

const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
const dirty = execFileSync('git', ['status', '--porcelain', '--', 'workflows', 'common'], { cwd: REPO, encoding: 'utf8' }).trim() !== '';
const outDir = path.resolve(process.argv[2] ?? path.join(REPO, 'test/replay/histories'));

/** Every string in the JSON, with base64 payload data also decoded, for the image check. */
function* strings(value: unknown): Generator<string> {
  if (typeof value === 'string') {
    yield value;
    yield Buffer.from(value, 'base64').toString('utf8');
  } else if (Array.isArray(value)) {
    for (const item of value) yield* strings(item);
  } else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) yield* strings(item);
  }
}

/** Saves one run's history; the scenario is what the replay test calls it. */
async function save(stack: DesktopStack, scenario: string, workflowId: string, runId?: string, part?: string): Promise<void> {
  const handle = stack.client.workflow.getHandle(workflowId, runId);
  const history = toJson(historyType, proto.temporal.api.history.v1.History.fromObject(await handle.fetchHistory()));
  const described = await handle.describe();
  const record = { scenario, workflowId, runId: described.runId, capturedFrom: commit, history };
  const text = `${JSON.stringify(record, null, 1)}\n`;
  if (text.length > MAX_FILE_BYTES) throw new Error(`${scenario}: history is ${text.length} bytes; something large is travelling through it`);
  for (const value of strings(history)) if (IMAGE_SIGNATURES.test(value)) throw new Error(`${scenario}: history holds an image`);
  const file = path.join(outDir, `${scenario}@${commit}${part ? `-${part}` : ''}.json`);
  await writeFile(file, text);
  console.log(`${path.relative(process.cwd(), file)}: ${text.length} bytes, ${(history as { events: unknown[] }).events.length} events`);
}

async function result(stack: DesktopStack, taskId: string): Promise<TaskResult> {
  const outcome = (await stack.client.workflow.getHandle(taskId).result()) as TaskResult;
  if (outcome.reason !== 'completed') throw new Error(`${taskId} ended with ${outcome.reason}: ${outcome.text}`);
  return outcome;
}

/** Where to click, in the image the model was shown, to hit the centre of a window. */
async function clickInto(display: string, title: string, request: RecordedRequest): Promise<[number, number]> {
  const { x, y } = await windowCentre(display, `^${title}$`);
  const screen = (await xdotool(display, 'getdisplaygeometry')).split(' ').map(Number) as [number, number];
  const tool = request.body.tools.find((entry) => entry.name === 'computer')!;
  const image = [Number(tool.display_width_px), Number(tool.display_height_px)];
  return [Math.round((x * image[0]!) / screen[0]), Math.round((y * image[1]!) / screen[1])];
}

/** An xterm that writes what is typed into it to `file`, so a scenario's effects are visible. */
async function notesWindow(stack: DesktopStack, title: string, file: string) {
  const app = launchApp(stack.display, 'xterm', ['-geometry', '80x24+100+100', '-T', title, '-e', 'sh', '-c', `cat > '${file}'`]);
  await waitForWindow(stack.display, `^${title}$`);
  return app;
}

async function expectFile(file: string, expected: string): Promise<void> {
  await eventually(() => readFile(file, 'utf8'), (text) => text === expected, 10_000);
}

const scenarios: Record<string, () => Promise<void>> = {
  async 'plain-task'() {
    const stack = await startDesktopStack();
    try {
      const typed = path.join(stack.roots[0]!, 'typed.txt');
      const app = await notesWindow(stack, 'notes', typed);
      await stack.startWorker();
      stack.model.enqueue(
        async (request) => computer({ action: 'left_click', coordinate: await clickInto(stack.display, 'notes', request) }),
        computer({ action: 'type', text: 'Q3 revenue: $1,204 (+8%)\n' }),
        computer({ action: 'key', text: 'ctrl+d' }),
        endTurn('Typed the Q3 summary into notes.'),
      );
      const taskId = await startTask(stack.client, stack.config, { prompt: 'put the Q3 numbers into notes', desktopId: stack.desktopId });
      await result(stack, taskId);
      await expectFile(typed, 'Q3 revenue: $1,204 (+8%)\n');
      await app.stop();
      await save(stack, 'plain-task', taskId);
    } finally {
      await stack.stop();
    }
  },

  async 'queued-task'() {
    const stack = await startDesktopStack();
    try {
      await stack.startWorker();
      const firstThinks = deferred();
      stack.model.enqueue(
        { ...computer({ action: 'mouse_move', coordinate: [10, 10] }), after: firstThinks.promise },
        endTurn('first done'),
        computer({ action: 'mouse_move', coordinate: [20, 20] }),
        endTurn('second done'),
      );
      const first = await startTask(stack.client, stack.config, { prompt: 'first task', desktopId: stack.desktopId });
      await stack.model.waitForRequest(1);
      const second = await startTask(stack.client, stack.config, { prompt: 'second task', desktopId: stack.desktopId });
      await eventually(
        async () => ((await stack.client.workflow.getHandle(second).describe()).memo as Partial<TaskMemo> | undefined)?.progress,
        (progress) => progress?.queuePosition === 1,
      );
      firstThinks.resolve();
      await result(stack, first);
      await result(stack, second);
      await save(stack, 'queued-task', first, undefined, 'first');
      await save(stack, 'queued-task', second, undefined, 'second');
      await save(stack, 'queued-task', screenLockWorkflowId(stack.desktopId), undefined, 'screen-lock');
    } finally {
      await stack.stop();
    }
  },

  async 'continue-as-new'() {
    // Temporal suggests continuing as new after a short history, as it would after thousands of events.
    const stack = await startDesktopStack({ dynamicConfig: ['limit.historyCount.suggestContinueAsNew=60'] });
    try {
      await stack.startWorker();
      const steps = 16;
      for (let step = 0; step < steps; step++) stack.model.enqueue(computer({ action: 'mouse_move', coordinate: [10 + step, 10] }));
      stack.model.enqueue(endTurn(`Moved ${steps} times.`));
      const taskId = await startTask(stack.client, stack.config, { prompt: 'move a lot', desktopId: stack.desktopId });
      await result(stack, taskId);
      // Follow the chain from the first run: each run's last event names the next.
      const latest = await stack.client.workflow.getHandle(taskId).fetchHistory();
      let runId = latest.events?.[0]?.workflowExecutionStartedEventAttributes?.firstExecutionRunId ?? undefined;
      const runs: string[] = [];
      while (runId) {
        runs.push(runId);
        const events = (await stack.client.workflow.getHandle(taskId, runId).fetchHistory()).events ?? [];
        runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
      }
      if (runs.length < 2) throw new Error('the task never continued as new');
      for (const [index, run] of runs.entries()) await save(stack, 'continue-as-new', taskId, run, `run-${index + 1}`);
    } finally {
      await stack.stop();
    }
  },

  async 'crash-recovery'() {
    const stack = await startDesktopStack();
    try {
      const typed = path.join(stack.roots[0]!, 'typed.txt');
      const app = await notesWindow(stack, 'journal', typed);
      await xdotool(stack.display, 'windowactivate', '--sync', await waitForWindow(stack.display, '^journal$'));
      const thinking = deferred();
      stack.model.enqueue(
        computer({ action: 'type', text: 'one\n' }),
        { ...computer({ action: 'type', text: 'never sent\n' }), after: thinking.promise },
        computer({ action: 'type', text: 'two\n' }),
        endTurn('Wrote two lines.'),
      );
      const firstWorker = await stack.startWorker();
      const taskId = await startTask(stack.client, stack.config, { prompt: 'write two lines', desktopId: stack.desktopId });
      await stack.model.waitForRequest(2);
      await firstWorker.kill();
      thinking.resolve();
      await stack.startWorker();
      await result(stack, taskId);
      await expectFile(typed, 'one\ntwo\n');
      await app.stop();
      await save(stack, 'crash-recovery', taskId);
    } finally {
      await stack.stop();
    }
  },

  async 'several-tools-in-one-turn'() {
    const stack = await startDesktopStack();
    try {
      const typed = path.join(stack.roots[0]!, 'typed.txt');
      const created = path.join(stack.roots[0]!, 'summary.md');
      const app = await notesWindow(stack, 'notes', typed);
      await stack.startWorker();
      stack.model.enqueue(
        async (request) =>
          toolUseReply(
            { name: 'computer', input: { action: 'left_click', coordinate: await clickInto(stack.display, 'notes', request) } },
            { name: 'str_replace_based_edit_tool', input: { command: 'create', path: created, file_text: '# Q3\n\nRevenue up 8%.\n' } },
            { name: 'computer', input: { action: 'type', text: 'summary written\n' } },
          ),
        endTurn('Wrote the summary and noted it.'),
      );
      const taskId = await startTask(stack.client, stack.config, { prompt: 'write the Q3 summary and note it', desktopId: stack.desktopId });
      await result(stack, taskId);
      await expectFile(typed, 'summary written\n');
      await expectFile(created, '# Q3\n\nRevenue up 8%.\n');
      await app.stop();
      await save(stack, 'several-tools-in-one-turn', taskId);
    } finally {
      await stack.stop();
    }
  },

  async 'toolset-batch'() {
    // The 2026 computer toolset: several members in one turn, and a text-editor call beside them.
    const stack = await startDesktopStack({ model: 'claude-sonnet-5-5' });
    try {
      const typed = path.join(stack.roots[0]!, 'typed.txt');
      const created = path.join(stack.roots[0]!, 'plan.md');
      const app = await notesWindow(stack, 'notes', typed);
      await stack.startWorker();
      const target = async () => {
        const { x, y } = await windowCentre(stack.display, '^notes$');
        return [Math.round(x), Math.round(y)];
      };
      stack.model.enqueue(
        async () => toolsetReply(toolsetCall('left_click', { coordinate: await target() }), toolsetCall('type', { text: 'toolset line\n' }), toolsetCall('key', { text: 'ctrl+d' })),
        toolUseReply({ name: 'str_replace_based_edit_tool', input: { command: 'create', path: created, file_text: '# Plan\n' } }),
        endTurn('Typed the line and wrote the plan.'),
      );
      const taskId = await startTask(stack.client, stack.config, { prompt: 'type a line and write the plan', desktopId: stack.desktopId });
      await result(stack, taskId);
      await expectFile(typed, 'toolset line\n');
      await expectFile(created, '# Plan\n');
      await app.stop();
      await save(stack, 'toolset-batch', taskId);
    } finally {
      await stack.stop();
    }
  },

  async 'person-waits'() {
    // A question answered, an action approved, and a message from the person while it works.
    const stack = await startDesktopStack();
    try {
      await stack.startWorker();
      stack.model.enqueue(
        toolUseReply({ name: 'ask_user', input: { question: 'Which quarter?', options: ['Q3', 'Q4'] }, id: 'toolu_ask_1' }),
        // The screen was let go while the question waited: look again before acting.
        computer({ action: 'screenshot' }),
        toolUseReply({ name: 'computer', input: { action: 'type', text: 'Q3' }, id: 'toolu_type_1' }),
        endTurn('Typed after approval, for Q3.'),
      );
      const taskId = await startTask(stack.client, { ...stack.config, approve: ['type'] }, { prompt: 'check the quarter', desktopId: stack.desktopId });
      const handle = stack.client.workflow.getHandle(taskId);
      const progress = async () => ((await handle.describe()).memo as Partial<TaskMemo> | undefined)?.progress;
      await eventually(progress, (value) => value?.phase === 'needs_input');
      await handle.signal(answerSignal, { questionId: 'toolu_ask_1', text: 'Q3' });
      const approving = await eventually(progress, (value) => value?.phase === 'needs_approval');
      await handle.signal(approvalSignal, { approvalId: approving!.approval!.id, approve: true });
      await result(stack, taskId);
      await save(stack, 'person-waits', taskId);
    } finally {
      await stack.stop();
    }
  },

  async 'parallel-and-records'() {
    // A file task beside a screen task (task slots, the screen on demand), the screen queue under
    // its new name, and the desktop's record after two worker starts.
    const stack = await startDesktopStack();
    try {
      const first = await stack.startWorker();
      await first.stop();
      await stack.startWorker();
      const holding = deferred();
      const notes = path.join(stack.roots[0]!, 'side.txt');
      stack.model.enqueue(
        { ...computer({ action: 'mouse_move', coordinate: [15, 15] }), after: holding.promise },
        async () => toolUseReply({ name: 'str_replace_based_edit_tool', input: { command: 'create', path: notes, file_text: 'beside\n' } }),
        endTurn('Wrote it beside the other task.'),
        endTurn('Moved.'),
      );
      const screenTask = await startTask(stack.client, stack.config, { prompt: 'move the pointer', desktopId: stack.desktopId });
      await stack.model.waitForRequest(1);
      const fileTask = await startTask(stack.client, stack.config, { prompt: 'write a file beside it', desktopId: stack.desktopId });
      await result(stack, fileTask);
      holding.resolve();
      await result(stack, screenTask);
      await expectFile(notes, 'beside\n');
      await save(stack, 'parallel-and-records', screenTask, undefined, 'screen-task');
      await save(stack, 'parallel-and-records', fileTask, undefined, 'file-task');
      await save(stack, 'parallel-and-records', screenLockWorkflowId(stack.desktopId), undefined, 'screen-queue');
      await save(stack, 'parallel-and-records', desktopRecordId(stack.desktopId), undefined, 'desktop-record');
    } finally {
      await stack.stop();
    }
  },
};

async function main(): Promise<void> {
  if (dirty) console.warn(`warning: ${REPO} has uncommitted changes under workflows/ or common/; the histories are not exactly ${commit}'s`);
  await mkdir(outDir, { recursive: true });
  const chosen = process.argv.slice(3);
  for (const [name, run] of Object.entries(scenarios)) {
    if (chosen.length > 0 && !chosen.includes(name)) continue;
    console.log(`scenario ${name}`);
    await run();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
