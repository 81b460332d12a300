import { createHash } from 'node:crypto';
import { lstat, readdir, rm, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';

/** What one pruning pass removed. */
export interface PruneReport {
  removed: number;
  bytes: number;
}

const SHARD = /^[0-9a-f]{2}$/;
const BLOB_REST = /^[0-9a-f]{62}$/;
const JOURNAL_FOLDER = /^[0-9a-f]{32}$/;

/**
 * The journal folder of a task, as activities/store/tool-call-journal.ts lays it out:
 * `<journal>/<sha256(taskId)[0..32]>/`.
 */
export function journalFolderName(taskId: string): string {
  return createHash('sha256').update(taskId).digest('hex').slice(0, 32);
}

/**
 * Deletes blobs of the content store (activities/store/content-store.ts, `<dir>/<2 hex>/<62 hex>`)
 * last used before `olderThan`. "Used" is the later of the file's modification time (the store
 * refreshes it whenever a task stores the same bytes again) and its access time (a read, e.g. the
 * phone opening an old screenshot, where the file system records it). Blobs are shared between
 * tasks by content, so age is the only safe test: the caller must not prune while a task that
 * could still reference an old blob runs (see worker/retention-sweeper.ts). Files that are not
 * blobs (temporaries of a write under way) are never touched.
 */
export async function pruneBlobs(directory: string, olderThan: Date): Promise<PruneReport> {
  const report: PruneReport = { removed: 0, bytes: 0 };
  const cutoff = olderThan.getTime();
  for (const shard of await readdir(directory).catch(() => [] as string[])) {
    if (!SHARD.test(shard)) continue;
    const folder = path.join(directory, shard);
    const names = await readdir(folder).catch(() => [] as string[]);
    let left = names.length;
    for (const name of names) {
      if (!BLOB_REST.test(name)) continue;
      const file = path.join(folder, name);
      const info = await lstat(file).catch(() => undefined);
      if (!info?.isFile() || Math.max(info.mtimeMs, info.atimeMs) >= cutoff) continue;
      await unlink(file).then(
        () => {
          report.removed++;
          report.bytes += info.size;
          left--;
        },
        () => undefined,
      );
    }
    // A shard emptied here goes too; rmdir refuses if a blob arrived meanwhile.
    if (left === 0) await rmdir(folder).catch(() => undefined);
  }
  return report;
}

/**
 * Deletes the file-tool journal folders of tasks whose last record is older than `olderThan`,
 * except the folders of `runningTaskIds`: a running task needs its records to recognise a call it
 * already made. A finished task's records are never read again.
 */
export async function pruneJournal(directory: string, olderThan: Date, runningTaskIds: Iterable<string>): Promise<PruneReport> {
  const report: PruneReport = { removed: 0, bytes: 0 };
  const keep = new Set([...runningTaskIds].map(journalFolderName));
  const cutoff = olderThan.getTime();
  for (const name of await readdir(directory).catch(() => [] as string[])) {
    if (!JOURNAL_FOLDER.test(name) || keep.has(name)) continue;
    const folder = path.join(directory, name);
    const folderInfo = await lstat(folder).catch(() => undefined);
    if (!folderInfo?.isDirectory()) continue;
    let newest = folderInfo.mtimeMs;
    let bytes = 0;
    for (const file of await readdir(folder).catch(() => [] as string[])) {
      const info = await lstat(path.join(folder, file)).catch(() => undefined);
      if (!info) continue;
      newest = Math.max(newest, info.mtimeMs);
      bytes += info.size;
    }
    if (newest >= cutoff) continue;
    await rm(folder, { recursive: true, force: true }).then(
      () => {
        report.removed++;
        report.bytes += bytes;
      },
      () => undefined,
    );
  }
  return report;
}
