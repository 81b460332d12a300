import { constants } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { temporaryPathFor } from '../../common/atomic-file.js';
import { DEFAULT_MODEL, modelProfile, type ImageRule } from '../../common/models.js';
import { documentKindOf, isPlainText, notEditableMessage, unreadFormat } from './documents/document-kinds.js';
import { viewDocument, type DocumentViewDeps } from './documents/document-view.js';
import { listTwoLevels } from './folder-listing.js';
import type { GrantedRoots } from './granted-roots.js';
import { runModelTool, ToolRefusal, type ToolAnswer, type ToolOutcome } from './model-tool.js';
import { lineOf, numbered, occurrenceLines, snippet, splitLines } from './text-lines.js';
import { ABSENT, NOT_RECORDED, contentFingerprint, type ChangeRecorder } from './write-intent.js';
import { ToolName } from '../../common/contract.js';

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
 * - Every write (create, str_replace, insert) first records its intent (the file's hash before and
 *   after, the answer, the temporary's name) through the {@link ChangeRecorder}, so a retry after a
 *   crash can tell from the file whether the edit landed (see write-intent.ts).
 * - `view` reads documents in place (spreadsheets, Word, OpenDocument, slides, PDFs, pictures; see
 *   documents/). Writing them is refused: the model is pointed to `create` of a .csv, .md or .txt.
 *   CSV and TSV are text underneath, so `str_replace` and `insert` still edit them.
 */

export const TEXT_EDITOR_TOOL_NAME = ToolName.textEditor;

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

/** What one call knows of its task: the image rule of its model, for pictures it shows. */
export interface ToolCallContext {
  imageRule: ImageRule;
}

export interface TextEditor {
  /**
   * Validates and runs one command, recording what a write is about to change before it changes
   * it. Throws only for failures worth retrying (I/O errors).
   */
  run(input: unknown, recorder?: ChangeRecorder, context?: ToolCallContext): Promise<ToolOutcome>;
}

/** The text editor over the granted folders; `maxCharacters` clips what `view` shows. */
export function createTextEditor(deps: { roots: GrantedRoots; maxCharacters?: number } & DocumentViewDeps): TextEditor {
  const { roots, maxCharacters } = deps;

  const readText = async (real: string): Promise<{ text: string; mode: number; fingerprint: string }> => {
    const info = await stat(real);
    if (info.isDirectory()) throw new ToolRefusal(`${real} is a folder; only view works on folders.`);
    if (info.size > MAX_EDITABLE_BYTES) {
      throw new ToolRefusal(`${real} is ${info.size} bytes, more than the editor opens (${MAX_EDITABLE_BYTES}).`);
    }
    const bytes = await readFile(real, { flag: constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) });
    const text = decodeText(bytes);
    if (text === undefined) {
      const format = unreadFormat(real);
      throw new ToolRefusal(format ? `${real} is ${format}.` : `${real} is a binary (or non-UTF-8) file; the text editor only handles text.`);
    }
    return { text, mode: info.mode & 0o7777, fingerprint: contentFingerprint(bytes) };
  };

  /** Records the edit, then replaces the file: the one way this tool changes a file. */
  const write = async (recorder: ChangeRecorder, real: string, before: string, data: string, answer: string, options: { mode?: number; noClobber?: boolean }): Promise<string> => {
    const temporary = temporaryPathFor(real);
    await recorder.record({ text: answer, changes: [{ path: real, by: 'content', before, after: contentFingerprint(data) }], temporaries: [temporary] });
    await roots.mkdirInside(path.dirname(real));
    await roots.writeFileAtomic(real, data, { ...options, temporary });
    return answer;
  };

  const clip = (output: string): string => {
    if (maxCharacters === undefined || output.length <= maxCharacters) return output;
    return (
      `${output.slice(0, maxCharacters)}\n<response clipped: showing the first ${maxCharacters} of ` +
      `${output.length} characters. Use view_range to see the rest.>`
    );
  };

  const view = async (real: string, range: [number, number] | undefined, context: ToolCallContext): Promise<string | ToolAnswer> => {
    if ((await stat(real)).isDirectory()) {
      if (range) throw new ToolRefusal('view_range only applies to files, not folders.');
      return clip(await listTwoLevels(real));
    }
    const kind = documentKindOf(real);
    if (kind) {
      const answer = await viewDocument(deps, real, kind, range, context.imageRule);
      return { ...answer, text: clip(answer.text) };
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

  const create = async (recorder: ChangeRecorder, real: string, exists: boolean, fileText: string): Promise<string> => {
    if (exists) {
      throw new ToolRefusal(
        `${real} already exists; create does not overwrite. Change it with str_replace or insert, ` +
          'or move it to the trash with file_manager first.',
      );
    }
    return write(recorder, real, ABSENT, fileText, `Created ${real} (${splitLines(fileText).length} lines).`, { noClobber: true });
  };

  const strReplace = async (recorder: ChangeRecorder, real: string, oldStr: string, newStr: string): Promise<string> => {
    const { text, mode, fingerprint } = await readText(real);
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
    const startLine = lineOf(text, first);
    const answer = `Edited ${real}.\n${snippet(updated, startLine, startLine + splitLines(newStr).length - 1)}`;
    return write(recorder, real, fingerprint, updated, answer, { mode });
  };

  const insert = async (recorder: ChangeRecorder, real: string, afterLine: number, insertText: string): Promise<string> => {
    const { text, mode, fingerprint } = await readText(real);
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
    const added = splitLines(insertText).length;
    const answer = `Inserted ${added} line(s) after line ${afterLine} of ${real}.\n${snippet(updated, afterLine + 1, afterLine + added)}`;
    return write(recorder, real, fingerprint, updated, answer, { mode });
  };

  const execute = async (recorder: ChangeRecorder, input: TextEditorInput, context: ToolCallContext): Promise<string | ToolAnswer> => {
    const target = await roots.resolve(input.path);
    const kind = documentKindOf(target.real);
    if (input.command !== 'view' && kind && !isPlainText(kind)) throw new ToolRefusal(notEditableMessage(target.real));
    switch (input.command) {
      case 'view':
        return view(target.real, input.view_range, context);
      case 'create':
        return create(recorder, target.real, target.exists, input.file_text);
      case 'str_replace':
        return strReplace(recorder, target.real, input.old_str, input.new_str ?? '');
      case 'insert':
        return insert(recorder, target.real, input.insert_line, input.insert_text ?? input.new_str ?? '');
    }
  };

  return {
    run: (input, recorder = NOT_RECORDED, context = { imageRule: modelProfile(DEFAULT_MODEL).images }) =>
      runModelTool({ name: TEXT_EDITOR_TOOL_NAME, schema: textEditorInputSchema, usage: EXPECTED_SHAPES }, input, (request) => execute(recorder, request, context)),
  };
}
