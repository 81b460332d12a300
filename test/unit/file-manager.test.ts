import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ToolResultRecord } from '../../common/contract.js';
import type { Clock } from '../../activities/ports.js';
import { createFileActivities } from '../../activities/files/file-activity.js';
import { fileManagerToolDefinition } from '../../activities/files/file-manager.js';
import { contentsOf } from '../helpers/folder-contents.js';

const TOOL = 'file_manager';
const NOW = new Date('2025-03-04T05:06:07.000Z');
const clock: Clock = { now: () => NOW, sleep: async () => undefined };

let base: string;
let root: string;
let trashDir: string;
let perform: (input: unknown, toolUseId?: string) => Promise<ToolResultRecord>;
let calls = 0;

const at = (...names: string[]) => path.join(root, ...names);
const exists = (full: string) => lstat(full).then(() => true, () => false);

/** The trash id a successful trash result reports. */
function trashIdOf(result: ToolResultRecord): string {
  const match = /trash_id: ([\w-]+)/.exec(result.text ?? '');
  if (!match?.[1]) throw new Error(`no trash id in ${result.text}`);
  return match[1];
}

beforeEach(async () => {
  base = await realpath(await mkdtemp(path.join(os.tmpdir(), 'dispatch-files-')));
  root = path.join(base, 'docs');
  trashDir = path.join(base, 'home', 'trash');
  await mkdir(at('invoices', '2024'), { recursive: true });
  await mkdir(at('.git'));
  await writeFile(at('invoices', '2024', 'march.txt'), 'Invoice total: 120 EUR\n');
  await writeFile(at('invoices', 'summary.md'), '# Invoices\n');
  await writeFile(at('readme.txt'), 'hello\n');
  await writeFile(at('.git', 'config-invoice'), 'Invoice total in hidden folder\n');
  await writeFile(at('scan.pdf'), Buffer.concat([Buffer.from('%PDF invoice total'), Buffer.from([0, 1, 2])]));
  const { performFileTool } = createFileActivities({ roots: [root], trashDir, journalDir: path.join(base, 'home', 'journal'), clock });
  perform = (input, toolUseId = `toolu_${++calls}`) => performFileTool({ taskId: 'task-1', toolUseId, toolName: TOOL, input });
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('the tool definition sent to the model', () => {
  it('is one flat object schema the Messages API accepts, listing every operation', () => {
    const schema = fileManagerToolDefinition.input_schema;
    expect(fileManagerToolDefinition.name).toBe('file_manager');
    expect(schema.type).toBe('object');
    expect(schema).not.toHaveProperty('oneOf');
    expect(schema).not.toHaveProperty('anyOf');
    expect(schema.required).toEqual(['op']);
    expect(schema.properties.op).toMatchObject({
      enum: ['list', 'stat', 'search', 'move', 'copy', 'mkdir', 'trash', 'restore', 'list_trash'],
    });
    expect(Object.keys(schema.properties).sort()).toEqual(
      ['content', 'from', 'name', 'op', 'path', 'recursive', 'to', 'trash_id'],
    );
    expect(JSON.stringify(schema.properties.from)).toContain('move');
  });
});

describe('looking around', () => {
  it('lists a folder, and everything below it when recursive', async () => {
    const flat = await perform({ op: 'list', path: root });
    expect(flat.text).toContain('folder\tinvoices/');
    expect(flat.text).toContain('file\treadme.txt\t6 bytes');
    expect(flat.text).not.toContain('march.txt');
    const deep = await perform({ op: 'list', path: 'invoices', recursive: true });
    expect(deep.text).toContain(`file\t${path.join('2024', 'march.txt')}\t23 bytes`);
  });

  it('describes one item, a link as a link', async () => {
    await symlink(at('readme.txt'), at('shortcut'));
    const file = await perform({ op: 'stat', path: 'readme.txt' });
    expect(file.text).toContain('type: file');
    expect(file.text).toContain('size: 6 bytes');
    const link = await perform({ op: 'stat', path: 'shortcut' });
    expect(link.text).toContain('type: link');
    expect(link.text).toContain(`points to: ${at('readme.txt')}`);
  });

  it('finds files by name and by content, skipping hidden folders and binary files', async () => {
    const byName = await perform({ op: 'search', name: 'MARCH' });
    expect(byName.text).toContain(at('invoices', '2024', 'march.txt'));
    const byContent = await perform({ op: 'search', path: root, content: 'invoice total' });
    expect(byContent.text).toContain(`${at('invoices', '2024', 'march.txt')}:1: Invoice total: 120 EUR`);
    expect(byContent.text).not.toContain('scan.pdf');
    expect(byContent.text).not.toContain('.git');
    const both = await perform({ op: 'search', name: 'summary', content: 'invoice total' });
    expect(both.text).toMatch(/^No matches/);
  });
});

describe('changing things', () => {
  it('moves a file and a folder to their new paths', async () => {
    expect((await perform({ op: 'move', from: 'readme.txt', to: 'archive/readme-old.txt' })).isError).toBe(false);
    expect(await readFile(at('archive', 'readme-old.txt'), 'utf8')).toBe('hello\n');
    expect(await exists(at('readme.txt'))).toBe(false);
    await perform({ op: 'move', from: 'invoices', to: 'paid' });
    expect(await readFile(at('paid', '2024', 'march.txt'), 'utf8')).toBe('Invoice total: 120 EUR\n');
  });

  it('never overwrites on move or copy, and never moves a folder into itself', async () => {
    const before = await contentsOf(root);
    const clash = await perform({ op: 'move', from: 'readme.txt', to: 'invoices/summary.md' });
    expect(clash).toMatchObject({ isError: true, text: expect.stringContaining('already exists') });
    expect((await perform({ op: 'copy', from: 'readme.txt', to: 'invoices/summary.md' })).isError).toBe(true);
    const intoItself = await perform({ op: 'move', from: 'invoices', to: 'invoices/2024/again' });
    expect(intoItself).toMatchObject({ isError: true, text: expect.stringContaining('into itself') });
    expect((await perform({ op: 'move', from: root, to: path.join(root, 'x') })).isError).toBe(true);
    expect(await contentsOf(root)).toEqual(before);
  });

  it('copies a file and a whole folder, leaving the originals', async () => {
    await perform({ op: 'copy', from: 'readme.txt', to: 'readme copy.txt' });
    expect(await readFile(at('readme copy.txt'), 'utf8')).toBe('hello\n');
    await perform({ op: 'copy', from: 'invoices', to: 'backup/invoices' });
    expect(await contentsOf(at('backup', 'invoices'))).toEqual(await contentsOf(at('invoices')));
    expect(await readFile(at('readme.txt'), 'utf8')).toBe('hello\n');
  });

  it('creates nested folders, and is content when the folder is already there', async () => {
    expect((await perform({ op: 'mkdir', path: 'a/b/c' })).isError).toBe(false);
    expect((await stat(at('a', 'b', 'c'))).isDirectory()).toBe(true);
    expect(await perform({ op: 'mkdir', path: 'a/b' })).toMatchObject({ isError: false, text: expect.stringContaining('already exists') });
    expect((await perform({ op: 'mkdir', path: 'readme.txt' })).isError).toBe(true);
  });
});

describe('the trash', () => {
  it('keeps a trashed folder with where it came from, and restores it intact', async () => {
    const before = await contentsOf(at('invoices'));
    const trashed = await perform({ op: 'trash', path: 'invoices' });
    expect(trashed.isError).toBe(false);
    expect(await exists(at('invoices'))).toBe(false);

    const id = trashIdOf(trashed);
    const manifest = JSON.parse(await readFile(path.join(trashDir, `${id}.json`), 'utf8'));
    expect(manifest).toMatchObject({ originalPath: at('invoices'), trashedAt: NOW.toISOString(), kind: 'folder' });
    expect(await contentsOf(path.join(trashDir, id, 'invoices'))).toEqual(before);
    expect((await perform({ op: 'list_trash' })).text).toContain(`${id}\tfolder\t${at('invoices')}`);

    const restored = await perform({ op: 'restore', trash_id: id });
    expect(restored.isError).toBe(false);
    expect(await contentsOf(at('invoices'))).toEqual(before);
    expect(await readdir(trashDir)).toEqual([]);
  });

  it('two items with the same name both keep their own place in the trash', async () => {
    await writeFile(at('invoices', 'readme.txt'), 'second\n');
    const first = trashIdOf(await perform({ op: 'trash', path: 'readme.txt' }));
    const second = trashIdOf(await perform({ op: 'trash', path: 'invoices/readme.txt' }));
    expect(first).not.toBe(second);
    await perform({ op: 'restore', trash_id: second });
    await perform({ op: 'restore', trash_id: first });
    expect(await readFile(at('readme.txt'), 'utf8')).toBe('hello\n');
    expect(await readFile(at('invoices', 'readme.txt'), 'utf8')).toBe('second\n');
  });

  it('restore refuses to overwrite a new file at the old path, but can restore elsewhere', async () => {
    const id = trashIdOf(await perform({ op: 'trash', path: 'readme.txt' }));
    await writeFile(at('readme.txt'), 'new content\n');
    const refused = await perform({ op: 'restore', trash_id: id });
    expect(refused).toMatchObject({ isError: true, text: expect.stringContaining('already exists') });
    expect(await readFile(at('readme.txt'), 'utf8')).toBe('new content\n');
    await perform({ op: 'restore', trash_id: id, to: 'readme (restored).txt' });
    expect(await readFile(at('readme (restored).txt'), 'utf8')).toBe('hello\n');
  });

  it('trashes a link itself, not what it points to', async () => {
    await symlink(at('readme.txt'), at('shortcut'));
    const id = trashIdOf(await perform({ op: 'trash', path: 'shortcut' }));
    expect(await readFile(at('readme.txt'), 'utf8')).toBe('hello\n');
    expect(await readlink(path.join(trashDir, id, 'shortcut'))).toBe(at('readme.txt'));
  });

  it('refuses to trash a granted folder itself, or restore an unknown id', async () => {
    expect((await perform({ op: 'trash', path: root })).text).toContain('granted folder itself');
    expect((await perform({ op: 'restore', trash_id: 'nope' })).text).toContain('list_trash');
    expect((await perform({ op: 'restore', trash_id: '../../etc' })).isError).toBe(true);
    expect(await exists(at('readme.txt'))).toBe(true);
  });
});

describe('a retried call', () => {
  it('a move retried with the same tool use id succeeds once and answers the same', async () => {
    const input = { op: 'move', from: 'readme.txt', to: 'moved.txt' };
    const first = await perform(input, 'toolu_move');
    expect(await perform(input, 'toolu_move')).toEqual(first);
    expect(first.isError).toBe(false);
    expect(await readFile(at('moved.txt'), 'utf8')).toBe('hello\n');
  });

  it('a trash retried with the same tool use id leaves one item in the trash', async () => {
    const first = await perform({ op: 'trash', path: 'readme.txt' }, 'toolu_trash');
    expect(await perform({ op: 'trash', path: 'readme.txt' }, 'toolu_trash')).toEqual(first);
    expect((await readdir(trashDir)).filter((name) => name.endsWith('.json'))).toHaveLength(1);
  });
});

describe('malformed calls', () => {
  it('are answered with what is expected and change nothing', async () => {
    const before = await contentsOf(root);
    const inputs: unknown[] = [
      null,
      {},
      { op: 'delete', path: 'readme.txt' },
      { op: 'move', from: 'readme.txt' },
      { op: 'copy', to: 'x.txt' },
      { op: 'search', path: root },
      { op: 'list', path: 'invoices', recursive: 'yes' },
      { op: 'trash', path: ['readme.txt'] },
      { op: 'mkdir', path: 'bad\0name' },
      { op: 'mkdir', path: '' },
    ];
    for (const input of inputs) {
      const result = await perform(input);
      expect(result.isError, JSON.stringify(input)).toBe(true);
      expect(result.text).toMatch(/Invalid (file_manager input|path)/);
    }
    expect(await contentsOf(root)).toEqual(before);
    expect(await exists(trashDir)).toBe(false);
  });
});
