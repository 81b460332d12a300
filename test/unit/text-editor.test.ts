import { chmod, mkdir, mkdtemp, readFile, readdir, realpath, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ToolResultRecord } from '../../common/contract.js';
import { createFileActivities } from '../../activities/files/file-activity.js';
import { textEditorToolDefinition } from '../../activities/files/text-editor.js';
import { contentsOf } from '../helpers/folder-contents.js';

const TOOL = 'str_replace_based_edit_tool';
let base: string;
let root: string;
let perform: (input: unknown, toolUseId?: string) => Promise<ToolResultRecord>;
let calls = 0;

function build(maxCharacters?: number): void {
  const { performFileTool } = createFileActivities({
    roots: [root],
    trashDir: path.join(base, 'home', 'trash'),
    journalDir: path.join(base, 'home', 'journal'),
    maxCharacters,
  });
  perform = (input, toolUseId = `toolu_${++calls}`) => performFileTool({ taskId: 'task-1', toolUseId, toolName: TOOL, input });
}

const read = (name: string) => readFile(path.join(root, name), 'utf8');

beforeEach(async () => {
  base = await realpath(await mkdtemp(path.join(os.tmpdir(), 'dispatch-editor-')));
  root = path.join(base, 'docs');
  await mkdir(path.join(root, 'letters', 'drafts', 'old'), { recursive: true });
  await mkdir(path.join(root, '.hidden'));
  await writeFile(path.join(root, 'todo.txt'), 'buy milk\ncall mum\nwater plants\n');
  await writeFile(path.join(root, 'letters', 'drafts', 'old', 'deep.txt'), 'deep\n');
  await writeFile(path.join(root, '.secretrc'), 'x');
  build();
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('view', () => {
  it('shows a file with line numbers', async () => {
    const result = await perform({ command: 'view', path: path.join(root, 'todo.txt') });
    expect(result.isError).toBe(false);
    expect(result.text).toMatch(/ {5}1\tbuy milk\n {5}2\tcall mum\n {5}3\twater plants$/);
  });

  it('shows only the requested lines, -1 meaning to the end', async () => {
    expect((await perform({ command: 'view', path: 'todo.txt', view_range: [2, 2] })).text).toMatch(/2\tcall mum$/);
    const tail = await perform({ command: 'view', path: 'todo.txt', view_range: [2, -1] });
    expect(tail.text).not.toContain('buy milk');
    expect(tail.text).toContain('3\twater plants');
    const past = await perform({ command: 'view', path: 'todo.txt', view_range: [9, -1] });
    expect(past).toMatchObject({ isError: true, text: expect.stringContaining('has 3 lines') });
  });

  it('lists a folder two levels deep without hidden items', async () => {
    const result = await perform({ command: 'view', path: root });
    expect(result.text).toContain('letters/\nletters/drafts/\ntodo.txt');
    expect(result.text).not.toContain('old/');
    expect(result.text).not.toContain('.hidden');
    expect(result.text).not.toContain('.secretrc');
  });

  it('clips long output at max_characters and says how to see more', async () => {
    build(20);
    const result = await perform({ command: 'view', path: 'todo.txt' });
    expect(result.text).toContain('<response clipped');
    expect((result.text ?? '').split('\n<response')[0]).toHaveLength(20);
    expect(textEditorToolDefinition(20)).toEqual({ type: 'text_editor_20250728', name: TOOL, max_characters: 20 });
  });

  it('reports a binary file, a missing file and a folder given to str_replace as errors', async () => {
    await writeFile(path.join(root, 'blob.bin'), Buffer.from([0xff, 0xd8, 0x00, 0x10, 0x4a]));
    expect(await perform({ command: 'view', path: 'blob.bin' })).toMatchObject({ isError: true, text: expect.stringContaining('binary') });
    await writeFile(path.join(root, 'photo.jpg'), Buffer.from([0xff, 0xd8, 0x00, 0x10, 0x4a]));
    expect(await perform({ command: 'view', path: 'photo.jpg' })).toMatchObject({ isError: true, text: expect.stringContaining('could not be read as a picture') });
    expect(await perform({ command: 'view', path: 'nope.txt' })).toMatchObject({ isError: true, text: expect.stringContaining('No such file') });
    const folder = await perform({ command: 'str_replace', path: 'letters', old_str: 'a', new_str: 'b' });
    expect(folder).toMatchObject({ isError: true, text: expect.stringContaining('is a folder') });
  });
});

describe('create', () => {
  it('writes a new file, making missing folders', async () => {
    const result = await perform({ command: 'create', path: 'notes/2025/plan.md', file_text: '# Plan\n\nShip it.\n' });
    expect(result.isError).toBe(false);
    expect(await read('notes/2025/plan.md')).toBe('# Plan\n\nShip it.\n');
  });

  it('refuses to overwrite an existing file and leaves it intact', async () => {
    const result = await perform({ command: 'create', path: 'todo.txt', file_text: 'gone' });
    expect(result).toMatchObject({ isError: true, text: expect.stringContaining('already exists') });
    expect(await read('todo.txt')).toBe('buy milk\ncall mum\nwater plants\n');
  });
});

describe('str_replace', () => {
  it('replaces the one occurrence and shows the edited lines', async () => {
    const result = await perform({ command: 'str_replace', path: 'todo.txt', old_str: 'call mum', new_str: 'call dad' });
    expect(result.isError).toBe(false);
    expect(result.text).toContain('2\tcall dad');
    expect(await read('todo.txt')).toBe('buy milk\ncall dad\nwater plants\n');
  });

  it('deletes the text when new_str is left out', async () => {
    await perform({ command: 'str_replace', path: 'todo.txt', old_str: 'call mum\n' });
    expect(await read('todo.txt')).toBe('buy milk\nwater plants\n');
  });

  it('changes nothing when the text is missing or appears more than once', async () => {
    const missing = await perform({ command: 'str_replace', path: 'todo.txt', old_str: 'walk dog', new_str: 'x' });
    expect(missing).toMatchObject({ isError: true, text: expect.stringContaining('not found') });
    const repeated = await perform({ command: 'str_replace', path: 'todo.txt', old_str: 'l', new_str: 'L' });
    expect(repeated).toMatchObject({ isError: true, text: expect.stringMatching(/occurs 4 times .*lines 1, 2, 2, 3/) });
    expect(await read('todo.txt')).toBe('buy milk\ncall mum\nwater plants\n');
  });

  it('keeps the file permissions', async () => {
    await chmod(path.join(root, 'todo.txt'), 0o600);
    await perform({ command: 'str_replace', path: 'todo.txt', old_str: 'milk', new_str: 'bread' });
    expect((await stat(path.join(root, 'todo.txt'))).mode & 0o777).toBe(0o600);
    expect(await readdir(root)).not.toContainEqual(expect.stringContaining('dispatch-tmp'));
  });
});

describe('insert', () => {
  it('inserts after the given line, at the top with 0 and at the end', async () => {
    await perform({ command: 'insert', path: 'todo.txt', insert_line: 1, insert_text: 'post letter' });
    await perform({ command: 'insert', path: 'todo.txt', insert_line: 0, insert_text: 'TODAY\n' });
    await perform({ command: 'insert', path: 'todo.txt', insert_line: 5, insert_text: 'sleep' });
    expect(await read('todo.txt')).toBe('TODAY\nbuy milk\npost letter\ncall mum\nwater plants\nsleep\n');
  });

  it('accepts the text as new_str too, as the documentation names it', async () => {
    await writeFile(path.join(root, 'short.txt'), 'one');
    await perform({ command: 'insert', path: 'short.txt', insert_line: 1, new_str: 'two' });
    expect(await read('short.txt')).toBe('one\ntwo');
  });

  it('refuses a line past the end', async () => {
    const result = await perform({ command: 'insert', path: 'todo.txt', insert_line: 7, insert_text: 'x' });
    expect(result).toMatchObject({ isError: true, text: expect.stringContaining('has 3 lines') });
    expect(await read('todo.txt')).toBe('buy milk\ncall mum\nwater plants\n');
  });
});

describe('malformed calls', () => {
  it('are answered with what is expected and change nothing', async () => {
    const before = await contentsOf(root);
    const inputs: unknown[] = [
      undefined,
      'view todo.txt',
      { path: 'todo.txt' },
      { command: 'undo_edit', path: 'todo.txt' },
      { command: 'view', path: 'todo.txt', view_range: ['1', 2] },
      { command: 'create', path: 'x.txt' },
      { command: 'str_replace', path: 'todo.txt', old_str: '', new_str: 'x' },
      { command: 'insert', path: 'todo.txt', insert_line: 1 },
      { command: 'insert', path: 'todo.txt', insert_line: -1, insert_text: 'x' },
      { command: 'create', path: 12, file_text: 'x' },
    ];
    for (const input of inputs) {
      const result = await perform(input);
      expect(result.isError, JSON.stringify(input)).toBe(true);
      expect(result.text).toContain('Expected one of');
    }
    expect(await contentsOf(root)).toEqual(before);
  });
});

describe('a retried call', () => {
  it('is applied once and answers the same as the first time', async () => {
    const input = { command: 'str_replace', path: 'todo.txt', old_str: 'milk', new_str: 'oat milk' };
    const first = await perform(input, 'toolu_same');
    const second = await perform(input, 'toolu_same');
    expect(second).toEqual(first);
    expect(first.isError).toBe(false);
    expect(await read('todo.txt')).toBe('buy oat milk\ncall mum\nwater plants\n');
    const fresh = await perform({ ...input, old_str: 'buy milk' }, 'toolu_other');
    expect(fresh.isError).toBe(true);
  });

  it('answers the same even after the file tools are rebuilt, as after a worker restart', async () => {
    const input = { command: 'insert', path: 'todo.txt', insert_line: 0, insert_text: 'first' };
    const first = await perform(input, 'toolu_restart');
    build();
    expect(await perform(input, 'toolu_restart')).toEqual(first);
    expect(await read('todo.txt')).toBe('first\nbuy milk\ncall mum\nwater plants\n');
  });

  it('an unknown tool name is an error naming the file tools', async () => {
    const { performFileTool } = createFileActivities({
      roots: [root],
      trashDir: path.join(base, 'home', 'trash'),
      journalDir: path.join(base, 'home', 'journal'),
    });
    const result = await performFileTool({ taskId: 't', toolUseId: 'u', toolName: 'bash', input: {} });
    expect(result).toEqual({
      toolUseId: 'u',
      isError: true,
      text: 'Unknown file tool "bash". Expected one of: str_replace_based_edit_tool, file_manager.',
    });
  });
});
