import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** Every file below `folder` with its text, folders as `<dir>`: a before/after snapshot for "nothing changed". */
export async function contentsOf(folder: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const name of await readdir(folder, { recursive: true })) {
    const full = path.join(folder, name);
    result[name] = (await stat(full)).isFile() ? await readFile(full, 'utf8') : '<dir>';
  }
  return result;
}
