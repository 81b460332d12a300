import { readdir } from 'node:fs/promises';
import path from 'node:path';

const MAX_LISTED_ENTRIES = 1000;

/** Non-hidden entries up to two levels below `folder`, folders marked with a trailing slash. */
export async function listTwoLevels(folder: string): Promise<string> {
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
