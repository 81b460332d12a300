import { mkdir, mkdtemp, readFile, readdir, realpath, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileActivities } from '../../activities/files/file-activity.js';
import {
  InvalidPathError,
  MAX_PATH_BYTES,
  PathOutsideRootsError,
  createGrantedRoots,
} from '../../activities/files/granted-roots.js';

let base: string;
let root: string;
let sibling: string;
let outside: string;

/** Every file below `folder` with its content and modification time. */
async function snapshot(folder: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const name of await readdir(folder, { recursive: true })) {
    const full = path.join(folder, name);
    const info = await stat(full);
    result[name] = info.isFile() ? `${await readFile(full, 'utf8')}@${info.mtimeMs}` : `dir@${info.mtimeMs}`;
  }
  return result;
}

beforeEach(async () => {
  base = await realpath(await mkdtemp(path.join(os.tmpdir(), 'dispatch-roots-')));
  root = path.join(base, 'granted');
  sibling = path.join(base, 'granted2');
  outside = path.join(base, 'outside');
  for (const folder of [root, sibling, outside, path.join(root, 'sub')]) await mkdir(folder, { recursive: true });
  await writeFile(path.join(root, 'notes.txt'), 'inside\n');
  await writeFile(path.join(sibling, 'other.txt'), 'sibling secret\n');
  await writeFile(path.join(outside, 'secret.txt'), 'outside secret\n');
  await symlink(path.join(outside, 'secret.txt'), path.join(root, 'link-out.txt'));
  await symlink(outside, path.join(root, 'dir-link'));
  await symlink(path.join(root, 'notes.txt'), path.join(root, 'link-in.txt'));
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('paths the model may use', () => {
  it('a file inside the granted folder resolves, by absolute or relative path', async () => {
    const roots = createGrantedRoots([root]);
    expect(await roots.resolve(path.join(root, 'notes.txt'))).toEqual({ real: path.join(root, 'notes.txt'), root, exists: true });
    expect((await roots.resolve('sub/../notes.txt')).real).toBe(path.join(root, 'notes.txt'));
    expect((await roots.resolve('new/deeper/file.txt')).exists).toBe(false);
    expect((await roots.resolve(root)).real).toBe(root);
  });

  it('a link inside the folder that points inside is followed to its target', async () => {
    const roots = createGrantedRoots([root]);
    expect((await roots.resolve('link-in.txt')).real).toBe(path.join(root, 'notes.txt'));
    expect((await roots.resolve('link-in.txt', { followFinalLink: false })).real).toBe(path.join(root, 'link-in.txt'));
  });

  it('any of several granted folders may be used', async () => {
    const roots = createGrantedRoots([root, sibling]);
    expect((await roots.resolve(path.join(sibling, 'other.txt'))).root).toBe(sibling);
  });
});

describe('paths the model may not use', () => {
  const refusals: Array<[string, () => string]> = [
    ['`..` climbing out of the folder', () => '../outside/secret.txt'],
    ['an absolute path elsewhere', () => path.join(outside, 'secret.txt')],
    ['a sibling folder whose name starts like the granted one', () => path.join(sibling, 'other.txt')],
    ['a link inside the folder pointing outside', () => path.join(root, 'link-out.txt')],
    ['a new file through a linked folder pointing outside', () => path.join(root, 'dir-link', 'new.txt')],
    ['the filesystem root', () => '/'],
  ];
  for (const [label, requested] of refusals) {
    it(`refuses ${label}, naming the folders it may use`, async () => {
      const roots = createGrantedRoots([root]);
      const refusal = roots.resolve(requested());
      await expect(refusal).rejects.toBeInstanceOf(PathOutsideRootsError);
      await expect(refusal).rejects.toThrow(root);
    });
  }

  it('refuses empty paths, NUL bytes and over-long paths as invalid', async () => {
    const roots = createGrantedRoots([root]);
    for (const bad of ['', '   ', 'notes\0.txt', 'a/'.repeat(MAX_PATH_BYTES)]) {
      await expect(roots.resolve(bad)).rejects.toBeInstanceOf(InvalidPathError);
    }
  });

  it('refuses the trash and journal folders even when they sit inside a granted folder', async () => {
    const trash = path.join(root, '.dispatch', 'trash');
    const roots = createGrantedRoots([root], { excluded: [trash] });
    await expect(roots.resolve(path.join(trash, 'x.json'))).rejects.toBeInstanceOf(PathOutsideRootsError);
    expect((await roots.resolve('notes.txt')).exists).toBe(true);
  });

  it('refuses a relative or missing root at start-up', () => {
    expect(() => createGrantedRoots([])).toThrow(/DISPATCH_ROOTS/);
    expect(() => createGrantedRoots(['relative/folder'])).toThrow(/absolute/);
  });
});

describe('nothing outside the granted folders is read or written', () => {
  it('file tools aimed outside return errors and leave outside files untouched', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'dispatch-home-'));
    const { performFileTool } = createFileActivities({
      roots: [root],
      trashDir: path.join(home, 'trash'),
      journalDir: path.join(home, 'journal'),
    });
    const before = { outside: await snapshot(outside), sibling: await snapshot(sibling) };
    const calls: Array<[string, Record<string, unknown>]> = [
      ['str_replace_based_edit_tool', { command: 'view', path: path.join(root, 'link-out.txt') }],
      ['str_replace_based_edit_tool', { command: 'view', path: '../outside' }],
      ['str_replace_based_edit_tool', { command: 'create', path: path.join(root, 'dir-link', 'new.txt'), file_text: 'x' }],
      ['str_replace_based_edit_tool', { command: 'create', path: path.join(sibling, 'new.txt'), file_text: 'x' }],
      ['str_replace_based_edit_tool', { command: 'str_replace', path: 'link-out.txt', old_str: 'outside', new_str: 'pwned' }],
      ['str_replace_based_edit_tool', { command: 'insert', path: 'dir-link/secret.txt', insert_line: 0, insert_text: 'pwned' }],
      ['file_manager', { op: 'copy', from: 'link-out.txt', to: 'copied.txt' }],
      ['file_manager', { op: 'copy', from: 'notes.txt', to: path.join(outside, 'copied.txt') }],
      ['file_manager', { op: 'move', from: 'notes.txt', to: 'dir-link/moved.txt' }],
      ['file_manager', { op: 'move', from: path.join(outside, 'secret.txt'), to: 'moved.txt' }],
      ['file_manager', { op: 'trash', path: '../outside/secret.txt' }],
      ['file_manager', { op: 'mkdir', path: 'dir-link/made' }],
      ['file_manager', { op: 'list', path: 'dir-link' }],
      ['file_manager', { op: 'search', path: sibling, content: 'secret' }],
    ];
    try {
      for (const [index, [toolName, input]] of calls.entries()) {
        const result = await performFileTool({ taskId: 't', toolUseId: `u${index}`, toolName, input });
        expect(result.isError, JSON.stringify(input)).toBe(true);
        expect(result.text).toContain('outside the folders you may use');
        expect(result.text).not.toContain('secret\n');
      }
      expect(await snapshot(outside)).toEqual(before.outside);
      expect(await snapshot(sibling)).toEqual(before.sibling);
      expect(await readdir(root)).not.toContain('copied.txt');
      expect(await readFile(path.join(root, 'notes.txt'), 'utf8')).toBe('inside\n');
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('a folder swapped for a link between the check and the write is caught before writing', async () => {
    const roots = createGrantedRoots([root]);
    const target = await roots.resolve('sub/report.txt');
    await rename(path.join(root, 'sub'), path.join(root, 'sub-moved'));
    await symlink(outside, path.join(root, 'sub'));
    const before = await snapshot(outside);
    await expect(roots.writeFileAtomic(target.real, 'x')).rejects.toBeInstanceOf(PathOutsideRootsError);
    expect(await snapshot(outside)).toEqual(before);
  });
});
