import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskMemo, TaskResult, TaskStatus } from '../../common/contract.js';
import { createLogger } from '../../common/logger.js';
import { notificationText, promptLine, type TaskChange } from '../../gateway/notification-text.js';
import { openNotifiedLog } from '../../gateway/notified-log.js';
import type { TaskExecutionView, TaskFeed } from '../../gateway/task-feed.js';
import { createTaskWatcher, type TaskWatcher } from '../../gateway/task-watcher.js';
import { eventually } from '../helpers/async.js';

const memo = (prompt: string, progress?: Partial<TaskStatus>): TaskMemo => ({
  prompt,
  desktopId: 'desk',
  ...(progress ? { progress: { phase: 'running', queuePosition: 0, stepsTaken: 1, currentStep: '', recentSteps: [], ...progress } } : {}),
});
const result = (reason: TaskResult['reason'], text = 'SECRET RESULT'): TaskResult => ({ reason, text, steps: 1, transcriptRef: null, recentSteps: [] });

/** Task runs the watcher lists, changed by the test as a workflow would change them. */
function fakeFeed() {
  const runs = new Map<string, TaskExecutionView & { closedAt?: number; result?: TaskResult }>();
  let lists = 0;
  const feed: TaskFeed = {
    list: async (since) => {
      lists++;
      return [...runs.values()].filter((run) => run.status === 'RUNNING' || (run.closedAt ?? 0) >= since);
    },
    result: async (taskId) => runs.get(taskId)!.result!,
  };
  const set = (taskId: string, status: string, memoValue: TaskMemo, extra: { result?: TaskResult; runId?: string } = {}) =>
    runs.set(taskId, { taskId, runId: extra.runId ?? 'run-1', status, memo: memoValue, ...(status === 'RUNNING' ? {} : { closedAt: Date.now() }), result: extra.result });
  return { feed, set, lists: () => lists };
}

describe('the task watcher that sends notifications', () => {
  let dir: string;
  let fake: ReturnType<typeof fakeFeed>;
  let sent: TaskChange[];
  let watcher: TaskWatcher;
  /**
   * Waits until the watcher has looked at the tasks from start to end after this moment: it looks
   * one time after another, so once a second look has begun the first one is done.
   */
  const settle = async () => {
    const looked = fake.lists();
    await eventually(async () => fake.lists(), (count) => count >= looked + 2, 10_000);
  };
  const start = async () => {
    watcher = createTaskWatcher({
      feed: fake.feed,
      log: await openNotifiedLog({ file: path.join(dir, 'notified.json'), flushMs: 10 }),
      notify: async (change) => void sent.push(change),
      logger: createLogger('test', () => {}),
      pollMs: 20,
    });
    watcher.start();
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'od-watch-'));
    fake = fakeFeed();
    sent = [];
  });
  afterEach(async () => {
    await watcher?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('notifies each question, approval, success and failure once; a cancel or a plain step is no news', async () => {
    fake.set('task-a', 'RUNNING', memo('a', { phase: 'running' }));
    await start();
    await settle();
    expect(sent).toEqual([]);
    fake.set('task-a', 'RUNNING', memo('a', { phase: 'needs_input', question: { id: 'q1', text: 'Which?' } }));
    await settle();
    fake.set('task-a', 'RUNNING', memo('a', { phase: 'needs_approval', approval: { id: 'p1', tool: 'type', summary: 's', input: {} } }));
    await settle();
    fake.set('task-a', 'RUNNING', memo('a', { phase: 'needs_input', question: { id: 'q2', text: 'And?' } }));
    fake.set('task-b', 'COMPLETED', memo('b'), { result: result('completed') });
    fake.set('task-c', 'COMPLETED', memo('c'), { result: result('max_steps') });
    fake.set('task-d', 'COMPLETED', memo('d'), { result: result('cancelled') });
    fake.set('task-e', 'FAILED', memo('e'));
    fake.set('task-f', 'CANCELLED', memo('f'));
    await settle();
    await settle();
    expect(sent.map((change) => `${change.taskId} ${change.status}`).sort()).toEqual([
      'task-a needs_approval',
      'task-a needs_input',
      'task-a needs_input',
      'task-b succeeded',
      'task-c failed',
      'task-e failed',
    ]);
  });

  it('after a restart, repeats nothing and catches up on what changed while it was stopped', async () => {
    fake.set('task-a', 'COMPLETED', memo('a'), { result: result('completed') });
    await start();
    await settle();
    await watcher.close();
    fake.set('task-b', 'COMPLETED', memo('b'), { result: result('completed') });
    fake.set('task-a', 'COMPLETED', memo('a'), { result: result('completed') });
    await start();
    await settle();
    expect(sent.map((change) => change.taskId)).toEqual(['task-a', 'task-b']);
    // A follow-up is a new run of the same task: its end is news again.
    fake.set('task-a', 'COMPLETED', memo('a'), { result: result('completed'), runId: 'run-2' });
    await settle();
    expect(sent.map((change) => change.taskId)).toEqual(['task-a', 'task-b', 'task-a']);
  });

  it('words a change without the result, the question or more than 80 characters of the prompt', () => {
    const long = `${'Put the Q3 numbers from the sales sheet into a summary in Notes, '.repeat(3)}\nsecond line`;
    expect([...promptLine(long)].length).toBe(80);
    expect(promptLine('\n\n  first line \nsecond')).toBe('first line');
    const text = notificationText({ taskId: 'task-x', status: 'needs_input', prompt: long });
    expect(text).toMatchObject({ urgency: 'high', payload: { taskId: 'task-x', status: 'needs_input', url: '/?task=task-x' }, ntfy: { priority: 'high' } });
    expect(text.topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(text.ntfy.body).not.toContain('second line');
    expect(notificationText({ taskId: 'task-x', status: 'succeeded', prompt: 'p' })).toMatchObject({ urgency: 'normal', ntfy: { priority: 'default' } });
  });
});
