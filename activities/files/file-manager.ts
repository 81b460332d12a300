import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { cp, lstat, mkdir, open, readFile, readdir, readlink, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Clock } from '../ports.js';
import { isWithin, type GrantedRoots, type ResolvedPath } from './granted-roots.js';
import { runModelTool, ToolRefusal, type ToolOutcome } from './model-tool.js';
import { decodeText } from './text-editor.js';

/**
 * `file_manager`: the file operations a person would do in a file manager, so the model need not
 * click through one. Every path is confined by {@link GrantedRoots}.
 *
 * Decisions:
 * - Nothing is deleted. `trash` moves the item to `<trashDir>/<id>/<name>` and writes
 *   `<trashDir>/<id>.json` (original path, time, kind) BEFORE moving it, so an item in the trash
 *   never loses its origin. `trashDir` is passed in (the worker uses `<DISPATCH_HOME>/trash`) and
 *   must lie outside the granted folders. Every trashed item has its own id folder, so equal names
 *   never collide there.
 * - No operation overwrites: move, copy, restore and mkdir-over-a-file refuse when the target
 *   name is taken, and the model picks another name or trashes the old item first.
 * - move/copy/trash act on a symbolic link itself, not on what it points to; copying a folder
 *   copies links inside it as links (they stay confined when later opened).
 * - `search` skips hidden folders, binary files and files over {@link MAX_SEARCHED_FILE_BYTES};
 *   name and content matches are case-insensitive.
 */

export const FILE_MANAGER_TOOL_NAME = 'file_manager';
const MAX_LISTED_ENTRIES = 500;
const MAX_SEARCH_RESULTS = 50;
const MAX_SEARCH_VISITS = 20_000;
export const MAX_SEARCHED_FILE_BYTES = 2 * 1024 * 1024;
const TRASH_ID = /^[0-9A-Za-z_-]{1,100}$/;

const somePath = z.string().describe('Absolute path, or relative to the first granted folder.');

export const fileManagerInputSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('list'),
    path: somePath,
    recursive: z.boolean().optional().describe('list: include everything below, not only direct children.'),
  }),
  z.object({ op: z.literal('stat'), path: somePath }),
  z
    .object({
      op: z.literal('search'),
      path: somePath.optional(),
      name: z.string().min(1).optional().describe('search: part of a file or folder name (no wildcards).'),
      content: z.string().min(1).optional().describe('search: text that a file contains.'),
    })
    .refine((input) => input.name !== undefined || input.content !== undefined, {
      message: 'search needs name, content or both',
    }),
  z.object({ op: z.literal('move'), from: somePath, to: z.string().describe('The full new path, not a folder to drop into.') }),
  z.object({ op: z.literal('copy'), from: somePath, to: z.string().describe('The full new path, not a folder to drop into.') }),
  z.object({ op: z.literal('mkdir'), path: somePath }),
  z.object({ op: z.literal('trash'), path: somePath }),
  z.object({
    op: z.literal('restore'),
    trash_id: z.string().regex(TRASH_ID, 'trash_id is the id that trash or list_trash reported').describe('restore: the id from trash or list_trash.'),
    to: z.string().optional(),
  }),
  z.object({ op: z.literal('list_trash') }),
]);
export type FileManagerInput = z.infer<typeof fileManagerInputSchema>;

const DESCRIPTION = [
  'Manage files and folders inside the folders the user granted, instead of using a file manager on screen.',
  'Paths are absolute, or relative to the first granted folder. Operations (op):',
  'list {path, recursive?} lists a folder; stat {path} describes one item;',
  'search {path?, name?, content?} finds files by name part and/or contained text (case-insensitive);',
  'move {from, to} and copy {from, to} take the full new path and never overwrite;',
  'mkdir {path} creates a folder and its parents;',
  'trash {path} moves an item to the trash (nothing is ever deleted) and returns a trash id;',
  'restore {trash_id, to?} puts it back at its original path (or `to`), refusing to overwrite;',
  'list_trash {} shows what is in the trash.',
].join(' ');

/** The custom tool for the Messages API, with input_schema generated from the zod schema. */
export const fileManagerToolDefinition = {
  name: FILE_MANAGER_TOOL_NAME,
  description: DESCRIPTION,
  input_schema: flattenUnionSchema(fileManagerInputSchema, 'op'),
};

type JsonSchema = Record<string, unknown>;

/**
 * The Messages API refuses `oneOf`/`anyOf` at the top of an input_schema, so the union becomes one
 * object: the discriminator as an enum, every other property once, noting which ops use it. The
 * zod schema still enforces each op's own required fields.
 */
function flattenUnionSchema(schema: z.ZodType, discriminator: string) {
  const json = z.toJSONSchema(schema) as { oneOf?: JsonSchema[]; anyOf?: JsonSchema[] };
  const variants = (json.oneOf ?? json.anyOf ?? []) as Array<{ properties: Record<string, JsonSchema>; required?: string[] }>;
  const values: string[] = [];
  const properties: Record<string, JsonSchema> = {};
  const usedBy: Record<string, string[]> = {};
  for (const variant of variants) {
    const value = String(variant.properties[discriminator]?.const);
    values.push(value);
    for (const [key, property] of Object.entries(variant.properties)) {
      if (key === discriminator) continue;
      properties[key] ??= property;
      (usedBy[key] ??= []).push(variant.required?.includes(key) ? value : `${value} (optional)`);
    }
  }
  for (const [key, property] of Object.entries(properties)) {
    const own = typeof property.description === 'string' ? `${property.description} ` : '';
    properties[key] = { ...property, description: `${own}Used by: ${usedBy[key]?.join(', ')}.` };
  }
  return {
    type: 'object' as const,
    properties: { [discriminator]: { type: 'string', enum: values, description: 'The operation.' }, ...properties },
    required: [discriminator],
    additionalProperties: false,
  };
}

interface TrashManifest {
  id: string;
  originalPath: string;
  name: string;
  kind: string;
  trashedAt: string;
}

export interface FileManager {
  /** Validates and runs one operation. Throws only for failures worth retrying (I/O errors). */
  run(input: unknown): Promise<ToolOutcome>;
}

export function createFileManager(deps: { roots: GrantedRoots; trashDir: string; clock: Clock }): FileManager {
  const { roots, trashDir, clock } = deps;
  const noFollow = { followFinalLink: false };

  const existing = async (requested: string, options = noFollow): Promise<ResolvedPath> => {
    const resolved = await roots.resolve(requested, options);
    if (!resolved.exists) throw new ToolRefusal(`Nothing exists at ${resolved.real}.`);
    return resolved;
  };
  const vacant = async (requested: string): Promise<ResolvedPath> => {
    const resolved = await roots.resolve(requested, noFollow);
    if (resolved.exists) {
      throw new ToolRefusal(`${resolved.real} already exists. Choose another name, or trash the existing item first.`);
    }
    return resolved;
  };
  const notARoot = (item: ResolvedPath, verb: string): void => {
    if (item.real === item.root) throw new ToolRefusal(`Cannot ${verb} a granted folder itself (${item.real}).`);
  };

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
    const nameNeedle = name?.toLowerCase();
    const contentNeedle = content?.toLowerCase();
    const hits: string[] = [];
    let visits = 0;
    const walk = async (dir: string): Promise<void> => {
      const children = await readdir(dir, { withFileTypes: true });
      for (const child of children) {
        if (hits.length >= MAX_SEARCH_RESULTS || ++visits > MAX_SEARCH_VISITS) return;
        const full = path.join(dir, child.name);
        const nameMatches = nameNeedle === undefined || child.name.toLowerCase().includes(nameNeedle);
        if (contentNeedle === undefined) {
          if (nameMatches) hits.push(child.isDirectory() ? `${full}/` : full);
        } else if (nameMatches && child.isFile()) {
          const line = await findInFile(full, contentNeedle);
          if (line) hits.push(`${full}:${line}`);
        }
        if (child.isDirectory() && !child.name.startsWith('.')) await walk(full).catch(() => undefined);
      }
    };
    await walk(folder.real);
    const capped = hits.length >= MAX_SEARCH_RESULTS || visits > MAX_SEARCH_VISITS ? '\n<search stopped early; narrow it down>' : '';
    return hits.length ? `${hits.length} match(es) in ${folder.real}:\n${hits.join('\n')}${capped}` : `No matches in ${folder.real}.${capped}`;
  };

  const move = async (fromPath: string, toPath: string): Promise<string> => {
    const from = await existing(fromPath);
    notARoot(from, 'move');
    const to = await vacant(toPath);
    if (isWithin(from.real, to.real)) throw new ToolRefusal('Cannot move a folder into itself.');
    await roots.mkdirInside(path.dirname(to.real));
    await moveEntry(from.real, to.real);
    return `Moved ${from.real} to ${to.real}.`;
  };

  const copy = async (fromPath: string, toPath: string): Promise<string> => {
    const from = await existing(fromPath, { followFinalLink: true });
    const to = await vacant(toPath);
    if (isWithin(from.real, to.real)) throw new ToolRefusal('Cannot copy a folder into itself.');
    await roots.mkdirInside(path.dirname(to.real));
    await cp(from.real, to.real, { recursive: true, errorOnExist: true, force: false, verbatimSymlinks: true });
    return `Copied ${from.real} to ${to.real}.`;
  };

  const makeFolder = async (requested: string): Promise<string> => {
    const target = await roots.resolve(requested);
    if (target.exists) {
      if ((await lstat(target.real)).isDirectory()) return `${target.real} already exists.`;
      throw new ToolRefusal(`${target.real} already exists and is not a folder.`);
    }
    await roots.mkdirInside(target.real);
    return `Created folder ${target.real}.`;
  };

  const trash = async (requested: string): Promise<string> => {
    const item = await existing(requested);
    notARoot(item, 'trash');
    const stamp = clock.now().toISOString();
    const id = `${stamp.replace(/[-:.]/g, '')}-${randomBytes(4).toString('hex')}`;
    const manifest: TrashManifest = {
      id,
      originalPath: item.real,
      name: path.basename(item.real),
      kind: kindOf(await lstat(item.real)),
      trashedAt: stamp,
    };
    await mkdir(path.join(trashDir, id), { recursive: true });
    await writeJsonAtomic(path.join(trashDir, `${id}.json`), manifest);
    await moveEntry(item.real, path.join(trashDir, id, manifest.name));
    return `Moved ${item.real} to the trash (trash_id: ${id}). Restore it with {"op":"restore","trash_id":"${id}"}.`;
  };

  const restore = async (id: string, toPath?: string): Promise<string> => {
    const manifestPath = path.join(trashDir, `${id}.json`);
    const manifest = await readTrashManifest(manifestPath);
    if (manifest === undefined || path.basename(manifest.name) !== manifest.name) {
      throw new ToolRefusal(`No trash item has id ${id}. Use list_trash to see the ids.`);
    }
    const target = await vacant(toPath ?? manifest.originalPath);
    await roots.mkdirInside(path.dirname(target.real));
    await moveEntry(path.join(trashDir, id, manifest.name), target.real);
    await rm(manifestPath, { force: true });
    await rm(path.join(trashDir, id), { recursive: true, force: true });
    return `Restored ${manifest.name} to ${target.real}.`;
  };

  const listTrash = async (): Promise<string> => {
    const names = await readdir(trashDir).catch(() => [] as string[]);
    const manifests = (await Promise.all(names.filter((name) => name.endsWith('.json')).map((name) => readTrashManifest(path.join(trashDir, name)))))
      .filter((manifest): manifest is TrashManifest => manifest !== undefined)
      .sort((a, b) => b.trashedAt.localeCompare(a.trashedAt));
    if (manifests.length === 0) return 'The trash is empty.';
    const lines = manifests.slice(0, 100).map((m) => `${m.id}\t${m.kind}\t${m.originalPath}\ttrashed ${m.trashedAt}`);
    return `${manifests.length} item(s) in the trash, newest first:\n${lines.join('\n')}`;
  };

  const execute = async (input: FileManagerInput): Promise<string> => {
    switch (input.op) {
      case 'list':
        return list(input.path, input.recursive ?? false);
      case 'stat':
        return describe(input.path);
      case 'search':
        return search(input.path, input.name, input.content);
      case 'move':
        return move(input.from, input.to);
      case 'copy':
        return copy(input.from, input.to);
      case 'mkdir':
        return makeFolder(input.path);
      case 'trash':
        return trash(input.path);
      case 'restore':
        return restore(input.trash_id, input.to);
      case 'list_trash':
        return listTrash();
    }
  };

  return {
    run: (input) => runModelTool({ name: FILE_MANAGER_TOOL_NAME, schema: fileManagerInputSchema, usage: DESCRIPTION }, input, execute),
  };
}

function kindOf(info: { isDirectory(): boolean; isSymbolicLink(): boolean }): string {
  return info.isSymbolicLink() ? 'link' : info.isDirectory() ? 'folder' : 'file';
}

async function describeEntry(full: string, name: string): Promise<string> {
  const info = await lstat(full);
  if (info.isDirectory()) return `folder\t${name}/`;
  if (info.isSymbolicLink()) return `link\t${name} -> ${await readlink(full).catch(() => '?')}`;
  return `file\t${name}\t${info.size} bytes`;
}

/** The first line number and text containing `needle` (lower case), skipping huge and binary files. */
async function findInFile(file: string, needle: string): Promise<string | undefined> {
  const handle = await open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0)).catch(() => undefined);
  if (!handle) return undefined;
  try {
    if ((await handle.stat()).size > MAX_SEARCHED_FILE_BYTES) return undefined;
    const text = decodeText(await handle.readFile());
    if (text === undefined) return undefined;
    const lines = text.split('\n');
    const index = lines.findIndex((line) => line.toLowerCase().includes(needle));
    return index === -1 ? undefined : `${index + 1}: ${(lines[index] ?? '').trim().slice(0, 200)}`;
  } finally {
    await handle.close();
  }
}

/** rename, or copy-then-remove when source and target are on different file systems. */
async function moveEntry(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await cp(from, to, { recursive: true, errorOnExist: true, force: false, verbatimSymlinks: true, preserveTimestamps: true });
    await rm(from, { recursive: true });
  }
}

async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, JSON.stringify(value, null, 2));
  await rename(temporary, file);
}

async function readTrashManifest(file: string): Promise<TrashManifest | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as TrashManifest;
  } catch {
    return undefined;
  }
}
