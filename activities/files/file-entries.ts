import { cp, lstat, readlink, rename, rm } from 'node:fs/promises';

/** How the file manager names an entry's kind to the model. */
export function kindOf(info: { isDirectory(): boolean; isSymbolicLink(): boolean }): string {
  return info.isSymbolicLink() ? 'link' : info.isDirectory() ? 'folder' : 'file';
}

/** One line of a listing: kind, name (a folder with a trailing slash), and a size or a link's target. */
export async function describeEntry(full: string, name: string): Promise<string> {
  const info = await lstat(full);
  if (info.isDirectory()) return `folder\t${name}/`;
  if (info.isSymbolicLink()) return `link\t${name} -> ${await readlink(full).catch(() => '?')}`;
  return `file\t${name}\t${info.size} bytes`;
}

/**
 * rename (atomic: the entry keeps its identity, so a retry can tell it moved), or
 * copy-then-remove when source and target are on different file systems (a retry of an
 * interrupted one then reports that it may or may not have happened).
 */
export async function moveEntry(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await cp(from, to, { recursive: true, errorOnExist: true, force: false, verbatimSymlinks: true, preserveTimestamps: true });
    await rm(from, { recursive: true });
  }
}
