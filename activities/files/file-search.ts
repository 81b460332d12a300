import { constants } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { decodeText } from './text-editor.js';

/** Files larger than this are not searched for text; the answer names them instead. */
export const MAX_SEARCHED_FILE_BYTES = 2 * 1024 * 1024;
const MAX_SEARCH_RESULTS = 50;
const MAX_SEARCH_VISITS = 20_000;
/** How many skipped files the answer names one by one. */
const MAX_SKIPPED_NAMED = 20;

/**
 * `file_manager search` below `folder` (already confined): names containing `name` and/or files
 * containing `content`, both case-insensitive. Hidden folders are not entered; binary files are
 * not read. Files too large to search are named in the answer, so "No matches" never hides that
 * the text may be in a file that was not looked at.
 */
export async function searchFolder(folder: string, name?: string, content?: string): Promise<string> {
  const nameNeedle = name?.toLowerCase();
  const contentNeedle = content?.toLowerCase();
  const hits: string[] = [];
  const tooLarge: string[] = [];
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
        const found = await findInFile(full, contentNeedle);
        if (found === TOO_LARGE) tooLarge.push(full);
        else if (found) hits.push(`${full}:${found}`);
      }
      if (child.isDirectory() && !child.name.startsWith('.')) await walk(full).catch(() => undefined);
    }
  };
  await walk(folder);
  const capped = hits.length >= MAX_SEARCH_RESULTS || visits > MAX_SEARCH_VISITS ? '\n<search stopped early; narrow it down>' : '';
  const found = hits.length ? `${hits.length} match(es) in ${folder}:\n${hits.join('\n')}` : `No matches in ${folder}.`;
  return `${found}${capped}${skippedNote(tooLarge)}`;
}

function skippedNote(tooLarge: string[]): string {
  if (tooLarge.length === 0) return '';
  const named = tooLarge.slice(0, MAX_SKIPPED_NAMED).join('\n');
  const more = tooLarge.length > MAX_SKIPPED_NAMED ? `\n…and ${tooLarge.length - MAX_SKIPPED_NAMED} more` : '';
  const limit = `${MAX_SEARCHED_FILE_BYTES / (1024 * 1024)} MB`;
  return `\n${tooLarge.length} file(s) over ${limit} were not searched for the text:\n${named}${more}`;
}

const TOO_LARGE = Symbol('too large');

/** The first line number and text containing `needle` (lower case); binary files never match. */
async function findInFile(file: string, needle: string): Promise<string | typeof TOO_LARGE | undefined> {
  const handle = await open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0)).catch(() => undefined);
  if (!handle) return undefined;
  try {
    if ((await handle.stat()).size > MAX_SEARCHED_FILE_BYTES) return TOO_LARGE;
    const text = decodeText(await handle.readFile());
    if (text === undefined) return undefined;
    const lines = text.split('\n');
    const index = lines.findIndex((line) => line.toLowerCase().includes(needle));
    return index === -1 ? undefined : `${index + 1}: ${(lines[index] ?? '').trim().slice(0, 200)}`;
  } finally {
    await handle.close();
  }
}
