import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';

/** Permission bits for group and others: none of them, anywhere in the data folder. */
const GROUP_AND_OTHERS = 0o077;

/**
 * Makes the data folder private to its owner: the folder and every folder in it 0700, every file
 * 0600 (0700 if executable, like the Temporal CLI in bin/). Screenshots of the person's screen,
 * the agent's transcripts, Temporal's database and the paired devices' token hashes live there.
 *
 * Run on every start, so a data folder made by an older release, restored from a backup or
 * copied with a loose umask is fixed too. New files are created private where they are made
 * (see the `mode` arguments); this catches everything else. Symbolic links are never followed,
 * and `skip` (granted folders the person placed inside the data folder, whose files are theirs)
 * is left as it is. Returns how many entries it changed.
 */
export async function secureDataFolder(home: string, options: { skip?: readonly string[] } = {}): Promise<number> {
  await mkdir(home, { recursive: true, mode: 0o700 });
  const skip = new Set((options.skip ?? []).map((folder) => path.resolve(folder)));
  let changed = 0;
  const visit = async (entry: string): Promise<void> => {
    if (skip.has(entry)) return;
    const info = await lstat(entry).catch(() => undefined);
    if (!info || info.isSymbolicLink()) return;
    if ((info.mode & GROUP_AND_OTHERS) !== 0 && (info.isDirectory() || info.isFile())) {
      await chmod(entry, info.mode & 0o7700 & ~GROUP_AND_OTHERS).then(
        () => changed++,
        () => undefined,
      );
    }
    if (!info.isDirectory()) return;
    for (const name of await readdir(entry).catch(() => [] as string[])) await visit(path.join(entry, name));
  };
  await visit(path.resolve(home));
  return changed;
}
