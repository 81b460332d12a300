import { constants } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { GrantedRoots } from './granted-roots.js';
import { runModelTool, ToolRefusal, type ToolOutcome } from './model-tool.js';

export type { ToolOutcome };

/**
 * Anthropic's text editor tool, version `text_editor_20250728` (Claude 4 models), confined to the
 * granted folders. The tool is schema-less on the API side (its shape is built into the model), so
 * the zod schema below only validates what the model sends. This version has no `undo_edit`.
 *
 * Decisions:
 * - `create` never overwrites: replacing a whole existing file would lose it for good. The model
 *   is told to edit it with `str_replace`/`insert`, or trash it with `file_manager` first.
 * - `insert` takes its text as `insert_text` (what 20250728 models send) or `new_str` (what the
 *   documentation and older versions name it); `insert_text` wins when both are present.
 * - Edits keep the file's permission bits and are written atomically.
 */

export const TEXT_EDITOR_TOOL_NAME = 'str_replace_based_edit_tool';

/** The tool entry for the Messages API `tools` list. */
export function textEditorToolDefinition(maxCharacters?: number) {
  return {
    type: 'text_editor_20250728' as const,
    name: TEXT_EDITOR_TOOL_NAME,
    ...(maxCharacters !== undefined ? { max_characters: maxCharacters } : {}),
  };
}

/** Files larger than this are not opened by the editor; the model is told so. */
export const MAX_EDITABLE_BYTES = 10 * 1024 * 1024;
const MAX_LISTED_ENTRIES = 1000;
const SNIPPET_CONTEXT_LINES = 4;

const filePath = z.string().describe('Absolute path, or relative to the first granted folder');

export const textEditorInputSchema = z.discriminatedUnion('command', [
  z.object({
    command: z.literal('view'),
    path: filePath,
    view_range: z.tuple([z.number().int().min(1), z.number().int().min(-1)]).optional(),
  }),
  z.object({ command: z.literal('create'), path: filePath, file_text: z.string() }),
  z.object({
    command: z.literal('str_replace'),
    path: filePath,
    old_str: z.string().min(1, 'old_str must not be empty'),
    new_str: z.string().optional(),
  }),
  z
    .object({
      command: z.literal('insert'),
      path: filePath,
      insert_line: z.number().int().min(0),
      insert_text: z.string().optional(),
      new_str: z.string().optional(),
    })
    .refine((input) => input.insert_text !== undefined || input.new_str !== undefined, {
      message: 'insert needs the text to insert as insert_text',
      path: ['insert_text'],
    }),
]);
export type TextEditorInput = z.infer<typeof textEditorInputSchema>;

const EXPECTED_SHAPES =
  'Expected one of: {command:"view", path, view_range?:[start, end]} | {command:"create", path, file_text} | ' +
  '{command:"str_replace", path, old_str, new_str?} | {command:"insert", path, insert_line, insert_text}.';

/** True for bytes that are not text: a NUL byte in the first 8 KiB, as git and grep decide. */
export function looksBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, 8192).includes(0);
}

/** Decodes UTF-8 text, or returns undefined for binary or non-UTF-8 content. */
export function decodeText(bytes: Buffer): string | undefined {
  if (looksBinary(bytes)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

export interface TextEditor {
  /** Validates and runs one command. Throws only for failures worth retrying (I/O errors). */
  run(input: unknown): Promise<ToolOutcome>;
}

export function createTextEditor(deps: { roots: GrantedRoots; maxCharacters?: number }): TextEditor {
  const { roots, maxCharacters } = deps;

  const readText = async (real: string): Promise<{ text: string; mode: number }> => {
    const info = await stat(real);
    if (info.isDirectory()) throw new ToolRefusal(`${real} is a folder; only view works on folders.`);
    if (info.size > MAX_EDITABLE_BYTES) {
      throw new ToolRefusal(`${real} is ${info.size} bytes, more than the editor opens (${MAX_EDITABLE_BYTES}).`);
    }
    const bytes = await readFile(real, { flag: constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) });
    const text = decodeText(bytes);
    if (text === undefined) {
      throw new ToolRefusal(`${real} is a binary (or non-UTF-8) file; the text editor only handles text.`);
    }
    return { text, mode: info.mode & 0o7777 };
  };

  const clip = (output: string): string => {
    if (maxCharacters === undefined || output.length <= maxCharacters) return output;
    return (
      `${output.slice(0, maxCharacters)}\n<response clipped: showing the first ${maxCharacters} of ` +
      `${output.length} characters. Use view_range to see the rest.>`
    );
  };

  const view = async (real: string, range?: [number, number]): Promise<string> => {
    if ((await stat(real)).isDirectory()) {
      if (range) throw new ToolRefusal('view_range only applies to files, not folders.');
      return clip(await listTwoLevels(real));
    }
    const lines = splitLines((await readText(real)).text);
    if (lines.length === 0) return `${real} is empty.`;
    let [start, end] = range ?? [1, -1];
    if (start > lines.length) {
      throw new ToolRefusal(`view_range starts at line ${start} but ${real} has ${lines.length} lines.`);
    }
    if (end === -1 || end > lines.length) end = lines.length;
    if (end < start) throw new ToolRefusal(`view_range end (${end}) is before its start (${start}).`);
    return clip(`Lines ${start}-${end} of ${lines.length} in ${real}:\n${numbered(lines, start, end)}`);
  };

  const create = async (real: string, exists: boolean, fileText: string): Promise<string> => {
    if (exists) {
      throw new ToolRefusal(
        `${real} already exists; create does not overwrite. Change it with str_replace or insert, ` +
          'or move it to the trash with file_manager first.',
      );
    }
    await roots.mkdirInside(path.dirname(real));
    await roots.writeFileAtomic(real, fileText, { noClobber: true });
    return `Created ${real} (${splitLines(fileText).length} lines).`;
  };

  const strReplace = async (real: string, oldStr: string, newStr: string): Promise<string> => {
    const { text, mode } = await readText(real);
    const first = text.indexOf(oldStr);
    if (first === -1) {
      throw new ToolRefusal(
        `old_str was not found in ${real}. It must match exactly, including whitespace and indentation; ` +
          'view the file and copy the text.',
      );
    }
    if (text.indexOf(oldStr, first + 1) !== -1) {
      const at = occurrenceLines(text, oldStr);
      throw new ToolRefusal(
        `old_str occurs ${at.length} times in ${real} (lines ${at.slice(0, 10).join(', ')}); nothing was changed. ` +
          'Include more surrounding text so it occurs exactly once.',
      );
    }
    const updated = text.slice(0, first) + newStr + text.slice(first + oldStr.length);
    await roots.writeFileAtomic(real, updated, { mode });
    const startLine = lineOf(text, first);
    return `Edited ${real}.\n${snippet(updated, startLine, startLine + splitLines(newStr).length - 1)}`;
  };

  const insert = async (real: string, afterLine: number, insertText: string): Promise<string> => {
    const { text, mode } = await readText(real);
    const lineCount = splitLines(text).length;
    if (afterLine > lineCount) {
      throw new ToolRefusal(`insert_line ${afterLine} is past the end: ${real} has ${lineCount} lines (0 = top).`);
    }
    let offset = 0;
    for (let line = 0; line < afterLine; line += 1) {
      const newline = text.indexOf('\n', offset);
      offset = newline === -1 ? text.length : newline + 1;
    }
    let piece = insertText;
    if (offset === text.length && text.length > 0 && !text.endsWith('\n')) piece = `\n${piece}`;
    if ((offset < text.length || text.endsWith('\n')) && !piece.endsWith('\n')) piece = `${piece}\n`;
    const updated = text.slice(0, offset) + piece + text.slice(offset);
    await roots.writeFileAtomic(real, updated, { mode });
    const added = splitLines(insertText).length;
    return `Inserted ${added} line(s) after line ${afterLine} of ${real}.\n${snippet(updated, afterLine + 1, afterLine + added)}`;
  };

  const execute = async (input: TextEditorInput): Promise<string> => {
    const target = await roots.resolve(input.path);
    switch (input.command) {
      case 'view':
        return view(target.real, input.view_range);
      case 'create':
        return create(target.real, target.exists, input.file_text);
      case 'str_replace':
        return strReplace(target.real, input.old_str, input.new_str ?? '');
      case 'insert':
        return insert(target.real, input.insert_line, input.insert_text ?? input.new_str ?? '');
    }
  };

  return {
    run: (input) => runModelTool({ name: TEXT_EDITOR_TOOL_NAME, schema: textEditorInputSchema, usage: EXPECTED_SHAPES }, input, execute),
  };
}

/** Lines of a text; a final newline ends the last line rather than starting an empty one. */
function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function numbered(lines: string[], start: number, end: number): string {
  return lines
    .slice(start - 1, end)
    .map((line, index) => `${String(start + index).padStart(6)}\t${line}`)
    .join('\n');
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) line += 1;
  return line;
}

function occurrenceLines(text: string, needle: string): number[] {
  const lines: number[] = [];
  for (let index = text.indexOf(needle); index !== -1; index = text.indexOf(needle, index + 1)) {
    lines.push(lineOf(text, index));
  }
  return lines;
}

/** The changed lines with a little context, numbered, so the model can check its edit. */
function snippet(text: string, firstChanged: number, lastChanged: number): string {
  const lines = splitLines(text);
  const start = Math.max(1, firstChanged - SNIPPET_CONTEXT_LINES);
  const end = Math.min(lines.length, Math.max(firstChanged, lastChanged) + SNIPPET_CONTEXT_LINES);
  return end >= start ? `Lines ${start}-${end} now read:\n${numbered(lines, start, end)}` : 'The file is now empty.';
}

/** Non-hidden entries up to two levels below `folder`, folders marked with a trailing slash. */
async function listTwoLevels(folder: string): Promise<string> {
  const entries: string[] = [];
  let truncated = false;
  const walk = async (relative: string, depth: number): Promise<void> => {
    const children = (await readdir(path.join(folder, relative), { withFileTypes: true }))
      .filter((child) => !child.name.startsWith('.'))
      .sort((a, b) => a.name.localeCompare(b.name));
    for (const child of children) {
      if (entries.length >= MAX_LISTED_ENTRIES) {
        truncated = true;
        return;
      }
      const name = path.join(relative, child.name);
      entries.push(child.isDirectory() ? `${name}/` : name);
      if (child.isDirectory() && depth < 2) await walk(name, depth + 1).catch(() => undefined);
    }
  };
  await walk('', 1);
  const header = `Files and folders up to 2 levels deep in ${folder} (hidden items skipped):`;
  const footer = truncated ? `\n<listing stopped at ${MAX_LISTED_ENTRIES} entries>` : '';
  return `${header}\n${entries.length ? entries.join('\n') : '(empty)'}${footer}`;
}
