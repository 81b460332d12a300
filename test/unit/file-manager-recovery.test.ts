import { lstat, mkdir, mkdtemp, readFile, readdir, realpath, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ToolResultRecord } from '../../common/contract.js';
import { createFileActivities } from '../../activities/files/file-activity.js';
import type { WriteIntent } from '../../activities/files/write-intent.js';
import { createToolCallJournal } from '../../activities/store/tool-call-journal.js';
import { contentsOf } from '../helpers/folder-contents.js';
import { crashingJournal, SimulatedCrash, type CrashPoint } from '../helpers/crashing-journal.js';

let base: string;
let root: string;
let trashDir: string;
let journalDir: string;

const at = (...names: string[]) => path.join(root, ...names);
const exists = (full: string) => lstat(full).then(() => true, () => false);

/** A desktop worker's file activity; `crash` makes it die at that point, as SIGKILL would. */
function worker(crash?: CrashPoint, startedAt = new Date()) {
  const journal = createToolCallJournal(journalDir);
  const { performFileTool } = createFileActivities({ roots: [root], trashDir, journalDir, journal: crash ? crashingJournal(journal, crash) : journal, startedAt });
  return (input: unknown, toolUseId = 'toolu_1'): Promise<ToolResultRecord> => performFileTool({ taskId: 'task-1', toolUseId, toolName: 'file_manager', input });
}

/** A worker started after the crash, so what the dead one wrote is older than it. */
async function restartedWorker() {
  return worker(undefined, new Date(Date.now() + 1));
}

/** Runs `input` on a worker that dies at `crash`, lets `meanwhile` play what the dead worker had done, and retries on a new one. */
async function crashThenRetry(input: unknown, crash: CrashPoint, meanwhile?: (intent: WriteIntent) => Promise<void>): Promise<ToolResultRecord> {
  await expect(worker(crash)(input)).rejects.toBeInstanceOf(SimulatedCrash);
  if (meanwhile) await meanwhile((await createToolCallJournal(journalDir).intentOf('task-1', 'toolu_1')) as WriteIntent);
  return (await restartedWorker())(input);
}

const beforeTheChange: CrashPoint = { method: 'recordIntent', afterWriting: true };
const afterTheChange: CrashPoint = { method: 'finish', afterWriting: false };
const trashCount = async () => (await readdir(trashDir).catch(() => [] as string[])).filter((name) => name.endsWith('.json')).length;

beforeEach(async () => {
  base = await realpath(await mkdtemp(path.join(os.tmpdir(), 'dispatch-fm-recovery-')));
  root = path.join(base, 'docs');
  trashDir = path.join(base, 'home', 'trash');
  journalDir = path.join(base, 'home', 'journal');
  await mkdir(at('invoices', '2024'), { recursive: true });
  await writeFile(at('invoices', '2024', 'march.txt'), 'Invoice total: 120 EUR\n');
  await writeFile(at('readme.txt'), 'hello\n');
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('a file manager operation interrupted by a crash happens once, and the model is told so', () => {
  it('move, crashing before it moved: moved on the retry', async () => {
    const result = await crashThenRetry({ op: 'move', from: 'readme.txt', to: 'old/readme.txt' }, beforeTheChange);
    expect(result).toEqual({ toolUseId: 'toolu_1', isError: false, text: `Moved ${at('readme.txt')} to ${at('old', 'readme.txt')}.` });
    expect(await readFile(at('old', 'readme.txt'), 'utf8')).toBe('hello\n');
  });

  it('move, crashing after it moved: "Moved", not "Nothing exists"', async () => {
    const result = await crashThenRetry({ op: 'move', from: 'readme.txt', to: 'old/readme.txt' }, afterTheChange);
    expect(result).toMatchObject({ isError: false, text: `Moved ${at('readme.txt')} to ${at('old', 'readme.txt')}.` });
    expect(await exists(at('readme.txt'))).toBe(false);
  });

  it('move, when something else stands at the source again: may or may not have happened', async () => {
    const result = await crashThenRetry({ op: 'move', from: 'readme.txt', to: 'old/readme.txt' }, afterTheChange, async () => {
      await writeFile(at('readme.txt'), 'a new file by the same name\n');
    });
    expect(result).toMatchObject({ isError: true, text: expect.stringContaining('may or may not have happened') });
  });

  it('copy, crashing half-way through copying a folder: one complete copy, no half copy left', async () => {
    const result = await crashThenRetry({ op: 'copy', from: 'invoices', to: 'backup' }, beforeTheChange, async (intent) => {
      await mkdir(intent.temporaries[0]!);
      await writeFile(path.join(intent.temporaries[0]!, 'partial'), 'x');
    });
    expect(result).toMatchObject({ isError: false, text: `Copied ${at('invoices')} to ${at('backup')}.` });
    expect(await contentsOf(at('backup'))).toEqual(await contentsOf(at('invoices')));
    expect((await readdir(root)).sort()).toEqual(['backup', 'invoices', 'readme.txt']);
  });

  it('copy, crashing after the copy was in place: "Copied", not "already exists"', async () => {
    const result = await crashThenRetry({ op: 'copy', from: 'readme.txt', to: 'copy.txt' }, afterTheChange);
    expect(result).toMatchObject({ isError: false, text: `Copied ${at('readme.txt')} to ${at('copy.txt')}.` });
    expect(await readFile(at('copy.txt'), 'utf8')).toBe('hello\n');
  });

  it('mkdir, crashing after it made the folder: "Created folder"', async () => {
    const result = await crashThenRetry({ op: 'mkdir', path: 'a/b' }, afterTheChange);
    expect(result).toMatchObject({ isError: false, text: `Created folder ${at('a', 'b')}.` });
  });

  it('trash, crashing after the manifest and before the move: trashed once, no ghost in the trash', async () => {
    const result = await crashThenRetry({ op: 'trash', path: 'readme.txt' }, beforeTheChange, async (intent) => {
      // What the dead worker had done: the id folder and the manifest, not the move.
      await mkdir(intent.removeIfNotDone![1]!, { recursive: true });
      await writeFile(intent.removeIfNotDone![0]!, JSON.stringify({ id: 'ghost', originalPath: at('readme.txt'), name: 'readme.txt', kind: 'file', trashedAt: '2025-01-01T00:00:00.000Z' }));
    });
    expect(result).toMatchObject({ isError: false, text: expect.stringContaining('to the trash (trash_id: ') });
    expect(await exists(at('readme.txt'))).toBe(false);
    expect(await trashCount()).toBe(1);
    expect((await worker()({ op: 'list_trash' }, 'toolu_list')).text).toMatch(/^1 item\(s\) in the trash/);
  });

  it('trash, crashing after the move: the same trash id, and the item restores from it', async () => {
    await expect(worker(afterTheChange)({ op: 'trash', path: 'readme.txt' })).rejects.toBeInstanceOf(SimulatedCrash);
    const intent = (await createToolCallJournal(journalDir).intentOf('task-1', 'toolu_1')) as WriteIntent;
    const result = await (await restartedWorker())({ op: 'trash', path: 'readme.txt' });
    expect(result).toMatchObject({ isError: false, text: intent.text });
    const id = /trash_id: ([\w-]+)/.exec(result.text ?? '')![1]!;
    expect(await worker()({ op: 'restore', trash_id: id }, 'toolu_restore')).toMatchObject({ isError: false });
    expect(await readFile(at('readme.txt'), 'utf8')).toBe('hello\n');
  });

  it('restore, crashing after the move and before the manifest was removed: restored, and gone from the trash', async () => {
    const trashed = await worker()({ op: 'trash', path: 'readme.txt' }, 'toolu_trash');
    const id = /trash_id: ([\w-]+)/.exec(trashed.text ?? '')![1]!;
    const result = await crashThenRetry({ op: 'restore', trash_id: id }, beforeTheChange, async (intent) => {
      await rename(intent.changes[0]!.path, intent.changes[1]!.path);
    });
    expect(result).toEqual({ toolUseId: 'toolu_1', isError: false, text: `Restored readme.txt to ${at('readme.txt')}.` });
    expect(await trashCount()).toBe(0);
    expect(await readFile(at('readme.txt'), 'utf8')).toBe('hello\n');
  });
});

describe('search', () => {
  it('names the files too large to search instead of a bare "No matches"', async () => {
    await writeFile(at('invoices', 'ledger.csv'), `${'x'.repeat(3 * 1024 * 1024)}\ninvoice total\n`);
    const result = await worker()({ op: 'search', content: 'invoice total', name: 'ledger' });
    expect(result.text).toMatch(/^No matches in /);
    expect(result.text).toContain(`1 file(s) over 2 MB were not searched for the text:\n${at('invoices', 'ledger.csv')}`);
  });
});
