import { mkdtemp, readdir, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createContentStore } from '../../activities/store/content-store.js';
import { journalFolderName } from '../../activities/store/retention.js';
import { createToolCallJournal } from '../../activities/store/tool-call-journal.js';
import { createLogger } from '../../common/logger.js';
import { sweepRetention } from '../../worker/retention-sweeper.js';

const DAY = 24 * 3600 * 1000;
const NOW = Date.now();

async function age(file: string, days: number): Promise<void> {
  const when = new Date(NOW - days * DAY);
  await utimes(file, when, when);
}

async function dataFolder() {
  const home = await mkdtemp(path.join(os.tmpdir(), 'od-retention-'));
  const paths = { blobs: path.join(home, 'blobs'), journal: path.join(home, 'journal') };
  const store = createContentStore(paths.blobs);
  const journal = createToolCallJournal(paths.journal);
  return { home, paths, store, journal };
}

const config = (paths: { blobs: string; journal: string }, retentionDays = 30) => ({ retentionDays, paths: paths as never });
const quiet = createLogger('test', () => {});

describe('old screenshots, transcripts and journal entries are deleted after DISPATCH_RETENTION_DAYS', () => {
  it('deletes blobs and journal folders nobody used for N days, and keeps recent ones', async () => {
    const { paths, store, journal } = await dataFolder();
    const old = await store.put(Buffer.from('a screenshot from two months ago'));
    const recent = await store.put(Buffer.from('yesterday'));
    await age(store.pathOf(old), 60);
    await age(store.pathOf(recent), 1);
    await writeFile(path.join(path.dirname(store.pathOf(old)), '.tmp-of-a-write.dispatch-tmp'), 'x');
    await journal.begin('task-old', 'toolu_1');
    await journal.begin('task-new', 'toolu_1');
    const oldFolder = path.join(paths.journal, journalFolderName('task-old'));
    for (const file of await readdir(oldFolder)) await age(path.join(oldFolder, file), 45);
    await age(oldFolder, 45);

    const report = await sweepRetention({ config: config(paths), runningTaskIds: async () => [], logger: quiet, now: () => NOW });

    expect(report).toMatchObject({ blobs: 1, journalFolders: 1, blobsDeferred: false });
    await expect(store.get(old)).rejects.toThrow(/No stored blob/);
    expect((await store.get(recent)).toString()).toBe('yesterday');
    // Not a blob: a write under way is never touched.
    expect(await readdir(path.dirname(store.pathOf(old)))).toContain('.tmp-of-a-write.dispatch-tmp');
    expect(await journal.begin('task-new', 'toolu_1')).toEqual({ kind: 'interrupted' });
    expect(await journal.begin('task-old', 'toolu_1')).toEqual({ kind: 'fresh' });
  });

  it('keeps a shared blob an old task wrote while new tasks keep storing the same bytes', async () => {
    const { paths, store } = await dataFolder();
    const desktop = Buffer.from('the same empty desktop, every day');
    const ref = await store.put(desktop);
    await age(store.pathOf(ref), 90);
    await store.put(desktop); // today's task saw the same screen
    await sweepRetention({ config: config(paths), runningTaskIds: async () => [], logger: quiet, now: () => NOW });
    expect((await store.get(ref)).toString()).toBe(desktop.toString());
  });

  it('leaves every blob alone while a task runs, and a running task its journal', async () => {
    const { paths, store, journal } = await dataFolder();
    const ref = await store.put(Buffer.from('the transcript of a task that waited a month for its desktop'));
    await age(store.pathOf(ref), 40);
    await journal.begin('task-waiting', 'toolu_1');
    const [folder] = await readdir(paths.journal);
    for (const file of await readdir(path.join(paths.journal, folder!))) await age(path.join(paths.journal, folder!, file), 40);
    await age(path.join(paths.journal, folder!), 40);

    const report = await sweepRetention({ config: config(paths), runningTaskIds: async () => ['task-waiting'], logger: quiet, now: () => NOW });

    expect(report).toMatchObject({ blobs: 0, journalFolders: 0, blobsDeferred: true });
    expect(await store.get(ref)).toBeDefined();
    expect(await journal.begin('task-waiting', 'toolu_1')).toEqual({ kind: 'interrupted' });
  });

  it('keeps everything with DISPATCH_RETENTION_DAYS=0, and skips a pass when Temporal cannot say what runs', async () => {
    const { paths, store } = await dataFolder();
    const ref = await store.put(Buffer.from('kept forever'));
    await age(store.pathOf(ref), 400);
    expect(await sweepRetention({ config: config(paths, 0), runningTaskIds: async () => [], logger: quiet, now: () => NOW })).toBeUndefined();
    const down = async (): Promise<string[]> => {
      throw new Error('connection refused');
    };
    expect(await sweepRetention({ config: config(paths), runningTaskIds: down, logger: quiet, now: () => NOW })).toBeUndefined();
    expect(await store.get(ref)).toBeDefined();
  });
});
