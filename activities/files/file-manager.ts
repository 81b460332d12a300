import { cp, lstat, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import { renameNoClobber, temporaryPathFor } from '../../common/atomic-file.js';
import type { Clock } from '../ports.js';
import { describeEntry, kindOf, moveEntry } from './file-entries.js';
import { FILE_MANAGER_DESCRIPTION, FILE_MANAGER_TOOL_NAME, fileManagerInputSchema, type FileManagerInput } from './file-manager-definition.js';
import { searchFolder } from './file-search.js';
import { isWithin, type GrantedRoots } from './granted-roots.js';
import { runModelTool, ToolRefusal, type ToolOutcome } from './model-tool.js';
import { createPathChecks } from './path-checks.js';
import { createTrashCan } from './trash-can.js';
import { ABSENT, NOT_RECORDED, NOT_YET_KNOWN, identityFingerprint, type ChangeRecorder, type WriteIntent } from './write-intent.js';

export { FILE_MANAGER_TOOL_NAME, fileManagerInputSchema, fileManagerToolDefinition, type FileManagerInput } from './file-manager-definition.js';
export { MAX_SEARCHED_FILE_BYTES } from './file-search.js';

/**
 * `file_manager`: the file operations a person would do in a file manager, so the model need not
 * click through one. Every path is confined by {@link GrantedRoots}.
 *
 * Decisions:
 * - Nothing is deleted: `trash` moves items to `trashDir` (see trash-can.ts), which the worker
 *   puts at `<DISPATCH_HOME>/trash`, outside the granted folders.
 * - No operation overwrites: move, copy, restore and mkdir-over-a-file refuse when the target
 *   name is taken, and the model picks another name or trashes the old item first.
 * - move/copy/trash act on a symbolic link itself, not on what it points to; copying a folder
 *   copies links inside it as links (they stay confined when later opened).
 * - `search` skips hidden folders and binary files, and names the files too large to search.
 *
 * Retries (see write-intent.ts): every operation that changes something records its intent
 * first, and its answer comes from comparing the disk with it.
 * - list, stat, search, list_trash change nothing: running them again is truthful.
 * - mkdir: the folder absent before, a folder after.
 * - move, trash, restore: the entry's device and inode, which a rename keeps: at the source
 *   before, at the target after.
 * - copy: made under a temporary name, then published with one no-clobber rename, so the target
 *   is either absent or the complete copy, whose inode is recorded before it is published.
 */
export interface FileManager {
  /** Validates and runs one operation. Throws only for failures worth retrying (I/O errors). */
  run(input: unknown, recorder?: ChangeRecorder): Promise<ToolOutcome>;
}

const MAX_LISTED_ENTRIES = 500;

/** The file manager over the granted folders, trashing into `trashDir`. */
export function createFileManager(deps: { roots: GrantedRoots; trashDir: string; clock: Clock }): FileManager {
  const { roots } = deps;
  const { existing, vacant, notARoot } = createPathChecks(roots);
  const trashCan = createTrashCan(deps);

  const list = async (requested: string, recursive: boolean): Promise<string> => {
    const folder = await existing(requested, { followFinalLink: true });
    const lines: string[] = [];
    const walk = async (relative: string): Promise<void> => {
      const children = await readdir(path.join(folder.real, relative), { withFileTypes: true });
      children.sort((a, b) => a.name.localeCompare(b.name));
      for (const child of children) {
        if (lines.length >= MAX_LISTED_ENTRIES) return;
        const name = path.join(relative, child.name);
        lines.push(await describeEntry(path.join(folder.real, name), name));
        if (recursive && child.isDirectory()) await walk(name).catch(() => undefined);
      }
    };
    await walk('');
    const more = lines.length >= MAX_LISTED_ENTRIES ? `\n<stopped at ${MAX_LISTED_ENTRIES} entries>` : '';
    return `${folder.real}:\n${lines.length ? lines.join('\n') : '(empty)'}${more}`;
  };

  const describe = async (requested: string): Promise<string> => {
    const item = await existing(requested);
    const info = await lstat(item.real);
    const facts = [
      `path: ${item.real}`,
      `type: ${kindOf(info)}`,
      `size: ${info.size} bytes`,
      `modified: ${info.mtime.toISOString()}`,
      `permissions: ${(info.mode & 0o777).toString(8)}`,
    ];
    if (info.isSymbolicLink()) facts.push(`points to: ${await readlink(item.real)}`);
    return facts.join('\n');
  };

  const search = async (requested: string | undefined, name?: string, content?: string): Promise<string> => {
    const folder = await existing(requested ?? (roots.configured[0] as string), { followFinalLink: true });
    return searchFolder(folder.real, name, content);
  };

  const move = async (recorder: ChangeRecorder, fromPath: string, toPath: string): Promise<string> => {
    const from = await existing(fromPath);
    notARoot(from, 'move');
    const to = await vacant(toPath);
    if (isWithin(from.real, to.real)) throw new ToolRefusal('Cannot move a folder into itself.');
    const identity = identityFingerprint(await lstat(from.real));
    const answer = `Moved ${from.real} to ${to.real}.`;
    await recorder.record({
      text: answer,
      changes: [
        { path: from.real, by: 'identity', before: identity, after: ABSENT },
        { path: to.real, by: 'identity', before: ABSENT, after: identity },
      ],
      temporaries: [],
    });
    await roots.mkdirInside(path.dirname(to.real));
    await moveEntry(from.real, to.real);
    return answer;
  };

  const copy = async (recorder: ChangeRecorder, fromPath: string, toPath: string): Promise<string> => {
    const from = await existing(fromPath, { followFinalLink: true });
    const to = await vacant(toPath);
    if (isWithin(from.real, to.real)) throw new ToolRefusal('Cannot copy a folder into itself.');
    const temporary = temporaryPathFor(to.real);
    const intent: WriteIntent = {
      text: `Copied ${from.real} to ${to.real}.`,
      changes: [{ path: to.real, by: 'identity', before: ABSENT, after: NOT_YET_KNOWN }],
      temporaries: [temporary],
    };
    await recorder.record(intent);
    await roots.mkdirInside(path.dirname(to.real));
    await cp(from.real, temporary, { recursive: true, errorOnExist: true, force: false, verbatimSymlinks: true });
    const copied = identityFingerprint(await lstat(temporary));
    await recorder.record({ ...intent, changes: [{ path: to.real, by: 'identity', before: ABSENT, after: copied }] });
    await renameNoClobber(temporary, to.real);
    return intent.text;
  };

  const makeFolder = async (recorder: ChangeRecorder, requested: string): Promise<string> => {
    const target = await roots.resolve(requested);
    if (target.exists) {
      if ((await lstat(target.real)).isDirectory()) return `${target.real} already exists.`;
      throw new ToolRefusal(`${target.real} already exists and is not a folder.`);
    }
    const answer = `Created folder ${target.real}.`;
    await recorder.record({ text: answer, changes: [{ path: target.real, by: 'kind', before: ABSENT, after: 'folder' }], temporaries: [] });
    await roots.mkdirInside(target.real);
    return answer;
  };

  const execute = async (recorder: ChangeRecorder, input: FileManagerInput): Promise<string> => {
    switch (input.op) {
      case 'list':
        return list(input.path, input.recursive ?? false);
      case 'stat':
        return describe(input.path);
      case 'search':
        return search(input.path, input.name, input.content);
      case 'move':
        return move(recorder, input.from, input.to);
      case 'copy':
        return copy(recorder, input.from, input.to);
      case 'mkdir':
        return makeFolder(recorder, input.path);
      case 'trash':
        return trashCan.trash(input.path, recorder);
      case 'restore':
        return trashCan.restore(input.trash_id, input.to, recorder);
      case 'list_trash':
        return trashCan.list();
    }
  };

  return {
    run: (input, recorder = NOT_RECORDED) =>
      runModelTool({ name: FILE_MANAGER_TOOL_NAME, schema: fileManagerInputSchema, usage: FILE_MANAGER_DESCRIPTION }, input, (request) => execute(recorder, request)),
  };
}
