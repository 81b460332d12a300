import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { link, lstat, readdir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The one way OpenDispatch replaces a file: write a temporary beside it, then rename it over the
 * target, so a reader (and a crash) sees the old file or the new one, never half of either.
 *
 * Why not the npm package write-file-atomic: the file tools must journal the temporary's name
 * before it exists (to remove it after a crash), must recognise their own temporaries in a
 * person's folder (write-file-atomic's `name.<number>` could be anyone's file), must create a
 * file only if absent, and must not follow a symbolic link at the target or the temporary (it
 * realpaths the target and opens the temporary with "w"), or the granted-folder check is moot.
 *
 * Temporaries are `.<name>.<12 hex>.dispatch-tmp` in the target's folder: hidden, and told from a
 * person's files by {@link isTemporaryName}.
 */

const SUFFIX = '.dispatch-tmp';
const TEMPORARY_NAME = /^\..*\.[0-9a-f]{12}\.dispatch-tmp$/s;
/** Bytes of the target's name kept in its temporary's name, so the temporary fits NAME_MAX. */
const NAME_BYTES_KEPT = 100;

export interface AtomicWriteOptions {
  /** Permission bits of the new file (the umask applies). Default 0o666. */
  mode?: number;
  /** Fail with EEXIST rather than replace an existing entry (a hard link, then unlink). */
  noClobber?: boolean;
  /** The temporary to write, from {@link temporaryPathFor}, for a caller that journals it first. */
  temporary?: string;
  /** fsync the data before it replaces the target. Default true. */
  durable?: boolean;
}

/** A fresh temporary's path for `target`: hidden, in the same folder, matching {@link isTemporaryName}. */
export function temporaryPathFor(target: string): string {
  let name = '';
  for (const char of path.basename(target)) {
    if (Buffer.byteLength(name + char) > NAME_BYTES_KEPT) break;
    name += char;
  }
  return path.join(path.dirname(target), `.${name}.${randomBytes(6).toString('hex')}${SUFFIX}`);
}

/** Whether a file name is one of our temporaries (and so ours to remove once stale). */
export function isTemporaryName(name: string): boolean {
  return TEMPORARY_NAME.test(name);
}

/** Replaces (or, with `noClobber`, creates) `target` with `data` in one rename. */
export async function writeFileAtomic(target: string, data: string | Buffer, options: AtomicWriteOptions = {}): Promise<void> {
  const temporary = options.temporary ?? temporaryPathFor(target);
  await writeFile(temporary, data, { flag: 'wx', mode: options.mode ?? 0o666, flush: options.durable ?? true });
  try {
    if (options.noClobber) await renameNoClobber(temporary, target);
    else await rename(temporary, target);
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

/** {@link writeFileAtomic} for callers that must not yield (a state file written from an event handler). */
export function writeFileAtomicSync(target: string, data: string | Buffer, options: Omit<AtomicWriteOptions, 'noClobber'> = {}): void {
  const temporary = options.temporary ?? temporaryPathFor(target);
  const descriptor = openSync(temporary, 'wx', options.mode ?? 0o666);
  try {
    try {
      writeSync(descriptor, typeof data === 'string' ? Buffer.from(data) : data);
      if (options.durable ?? true) fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    renameSync(temporary, target);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // Already renamed, or never written.
    }
    throw error;
  }
}

/**
 * Removes our temporaries in `folder` last modified before `olderThan` (the start of this process:
 * whatever wrote them has died), except those in `keep`. Only names matching
 * {@link isTemporaryName} are touched. Best effort: returns what it removed, and never throws.
 */
export async function removeStaleTemporaries(folder: string, olderThan: Date, keep: ReadonlySet<string> = new Set()): Promise<string[]> {
  const names = await readdir(folder).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names.filter(isTemporaryName)) {
    const full = path.join(folder, name);
    if (keep.has(full)) continue;
    const info = await lstat(full).catch(() => undefined);
    if (!info || info.mtimeMs >= olderThan.getTime()) continue;
    // A copy's temporary is a folder.
    await rm(full, { recursive: true, force: true }).then(() => removed.push(full), () => undefined);
  }
  return removed;
}

/**
 * Moves `from` to `to` only if nothing is at `to`, else fails with EEXIST naming `to`. A file is
 * hard-linked then unlinked (atomic); a folder, or a file where links are unsupported, is checked
 * then renamed (a narrow race with another program creating `to` in between).
 */
export async function renameNoClobber(from: string, to: string): Promise<void> {
  if (!(await lstat(from)).isDirectory()) {
    try {
      await link(from, to);
      await unlink(from);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw alreadyExists(to);
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
    }
  }
  if ((await lstat(to).catch(() => undefined)) !== undefined) throw alreadyExists(to);
  await rename(from, to);
}

function alreadyExists(target: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`EEXIST: file already exists: ${target}`), { code: 'EEXIST', path: target });
}
