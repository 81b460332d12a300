import { mkdir, mkdtemp, readFile, readdir, realpath, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ToolResultRecord } from '../../common/contract.js';
import { createFileActivities } from '../../activities/files/file-activity.js';
import type { WriteIntent } from '../../activities/files/write-intent.js';
import { createToolCallJournal } from '../../activities/store/tool-call-journal.js';
import { crashingJournal, SimulatedCrash, type CrashPoint } from '../helpers/crashing-journal.js';

const TOOL = 'str_replace_based_edit_tool';
const ORIGINAL = 'alpha\nbeta\n';
let base: string;
let root: string;
let journalDir: string;

/** A desktop worker's file activity; `crash` makes it die at that point, as SIGKILL would. */
function worker(crash?: CrashPoint, options: { heartbeatEveryMs?: number; startedAt?: Date } = {}) {
  const journal = createToolCallJournal(journalDir);
  const { performFileTool } = createFileActivities({
    roots: [root],
    trashDir: path.join(base, 'home', 'trash'),
    journalDir,
    journal: crash ? crashingJournal(journal, crash) : journal,
    startedAt: new Date(),
    ...options,
  });
  return (input: unknown, toolUseId = 'toolu_1'): Promise<ToolResultRecord> => performFileTool({ taskId: 'task-1', toolUseId, toolName: TOOL, input });
}

/** A worker started after the crash, so what the dead one wrote is older than it. */
async function restartedWorker() {
  return worker(undefined, { startedAt: new Date(Date.now() + 1) });
}

const read = (name: string) => readFile(path.join(root, name), 'utf8');
const leftovers = async () => (await readdir(root, { recursive: true })).filter((name) => name.includes('dispatch-tmp'));
const recordedIntent = async (): Promise<WriteIntent> => (await createToolCallJournal(journalDir).intentOf('task-1', 'toolu_1')) as WriteIntent;

beforeEach(async () => {
  base = await realpath(await mkdtemp(path.join(os.tmpdir(), 'dispatch-recovery-')));
  root = path.join(base, 'docs');
  journalDir = path.join(base, 'home', 'journal');
  await mkdir(root, { recursive: true });
  await writeFile(path.join(root, 'notes.txt'), ORIGINAL);
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const edits = [
  { name: 'insert', input: { command: 'insert', path: 'notes.txt', insert_line: 0, insert_text: 'NEW LINE' }, file: 'notes.txt', after: `NEW LINE\n${ORIGINAL}`, answer: /^Inserted 1 line\(s\) after line 0/ },
  { name: 'str_replace', input: { command: 'str_replace', path: 'notes.txt', old_str: 'beta', new_str: 'gamma' }, file: 'notes.txt', after: 'alpha\ngamma\n', answer: /^Edited / },
  { name: 'create', input: { command: 'create', path: 'new/plan.md', file_text: '# Plan\n' }, file: 'new/plan.md', after: '# Plan\n', answer: /^Created / },
];

const crashes: Array<{ when: string; at: CrashPoint; temporaryWritten?: boolean }> = [
  { when: 'before its intent was recorded', at: { method: 'recordIntent', afterWriting: false } },
  { when: 'after its intent, before the temporary file', at: { method: 'recordIntent', afterWriting: true } },
  { when: 'after the temporary file, before the rename', at: { method: 'recordIntent', afterWriting: true }, temporaryWritten: true },
  { when: 'after the rename, before the result was journaled', at: { method: 'finish', afterWriting: false } },
  { when: 'after the result was journaled', at: { method: 'finish', afterWriting: true } },
];

describe('an edit interrupted by a crash is made exactly once, and the model is told so', () => {
  for (const edit of edits) {
    for (const crash of crashes) {
      it(`${edit.name}, crashing ${crash.when}`, async () => {
        await expect(worker(crash.at)(edit.input)).rejects.toBeInstanceOf(SimulatedCrash);
        if (crash.temporaryWritten) {
          const [temporary] = (await recordedIntent()).temporaries;
          await mkdir(path.dirname(temporary!), { recursive: true });
          await writeFile(temporary!, edit.after);
        }

        const result = await (await restartedWorker())(edit.input);

        expect(result).toMatchObject({ isError: false, text: expect.stringMatching(edit.answer) });
        expect(await read(edit.file)).toBe(edit.after);
        expect(await leftovers()).toEqual([]);
      });
    }
  }

  it('answers the retry exactly as the first attempt would have', async () => {
    const uninterrupted = await worker()(edits[0]!.input, 'toolu_control');
    await writeFile(path.join(root, 'notes.txt'), ORIGINAL);
    await expect(worker({ method: 'finish', afterWriting: false })(edits[0]!.input)).rejects.toBeInstanceOf(SimulatedCrash);
    expect((await (await restartedWorker())(edits[0]!.input)).text).toBe(uninterrupted.text);
  });

  it('says it may or may not have happened when the file changed again before the retry, and leaves the file alone', async () => {
    await expect(worker({ method: 'finish', afterWriting: false })(edits[0]!.input)).rejects.toBeInstanceOf(SimulatedCrash);
    await writeFile(path.join(root, 'notes.txt'), 'the person rewrote it\n');

    const result = await (await restartedWorker())(edits[0]!.input);

    expect(result).toMatchObject({ isError: true, text: expect.stringContaining('may or may not have happened') });
    expect(result.text).toContain(path.join(root, 'notes.txt'));
    expect(await read('notes.txt')).toBe('the person rewrote it\n');
  });

  it('keeps answering the same once it has answered', async () => {
    await expect(worker({ method: 'finish', afterWriting: false })(edits[0]!.input)).rejects.toBeInstanceOf(SimulatedCrash);
    const restarted = await restartedWorker();
    const first = await restarted(edits[0]!.input);
    await writeFile(path.join(root, 'notes.txt'), 'changed later\n');
    expect(await restarted(edits[0]!.input)).toEqual(first);
  });
});

describe("our temporaries in a person's folder", () => {
  const stale = (name: string) => path.join(root, `.${name}.0123456789ab.dispatch-tmp`);

  it("are removed on the next write in their folder when a dead worker left them; a person's look-alikes stay", async () => {
    await writeFile(stale('notes.txt'), 'half written');
    await utimes(stale('notes.txt'), new Date('2020-01-01'), new Date('2020-01-01'));
    await writeFile(path.join(root, 'notes.txt.12345'), 'mine');
    await writeFile(path.join(root, '.notes.txt.swp'), 'mine');
    await writeFile(path.join(root, '.x.0123456789abc.dispatch-tmp'), 'mine: not our pattern');

    await worker()(edits[1]!.input);

    expect((await readdir(root)).sort()).toEqual(['.notes.txt.swp', '.x.0123456789abc.dispatch-tmp', 'notes.txt', 'notes.txt.12345']);
  });

  it('are removed after a restart even when the call that left them never comes back', async () => {
    await mkdir(path.join(root, 'sub'));
    await writeFile(path.join(root, 'sub', 'a.txt'), 'a\n');
    const input = { command: 'insert', path: 'sub/a.txt', insert_line: 1, insert_text: 'b' };
    await expect(worker({ method: 'recordIntent', afterWriting: true })(input)).rejects.toBeInstanceOf(SimulatedCrash);
    const [temporary] = (await recordedIntent()).temporaries;
    await writeFile(temporary!, 'a\nb\n');

    await (await restartedWorker())({ command: 'view', path: 'notes.txt' }, 'toolu_other');

    expect(await leftovers()).toEqual([]);
    expect(await read('sub/a.txt')).toBe('a\n');
  });
});

describe('a file call in progress', () => {
  it('heartbeats while it works, so a dead worker is noticed within seconds', async () => {
    await writeFile(path.join(root, 'big.txt'), 'line of text\n'.repeat(700_000));
    const environment = new MockActivityEnvironment();
    let heartbeats = 0;
    environment.on('heartbeat', () => (heartbeats += 1));
    const perform = worker(undefined, { heartbeatEveryMs: 1 });
    const result: ToolResultRecord = await environment.run(() => perform({ command: 'insert', path: 'big.txt', insert_line: 0, insert_text: 'top' }));
    expect(result.isError).toBe(false);
    expect(heartbeats).toBeGreaterThan(0);
  });
});
