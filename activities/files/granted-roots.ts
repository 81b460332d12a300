import { lstat, mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { isTemporaryName, writeFileAtomic, type AtomicWriteOptions } from '../../common/atomic-file.js';

/**
 * Confinement of every path the model names to the folders the person granted (DISPATCH_ROOTS).
 *
 * Rules, in order:
 * - A path is a non-empty string without NUL bytes, at most {@link MAX_PATH_BYTES} bytes of UTF-8.
 * - An absolute path is taken as is; a relative path is resolved against the FIRST root, so a
 *   model that writes `notes/todo.txt` lands in the primary granted folder, never in the
 *   worker's working directory.
 * - `..` is resolved textually first (like `cd -L`), then symbolic links with realpath. A path
 *   that does not exist yet is the realpath of its nearest existing ancestor plus the remaining
 *   names, so a symlinked directory cannot smuggle a new file outside.
 * - The result must equal or lie under the realpath of one root, compared by path segments
 *   (`/home/a/granted2` is not inside `/home/a/granted`).
 *
 * Resolution only reads metadata (realpath, lstat); callers touch contents only with the
 * resolved path, after the check passed.
 *
 * TOCTOU: between the check and the use another process could swap a directory on the path for
 * a symlink. Writes narrow the window: {@link GrantedRoots.writeFileAtomic} re-checks the parent's
 * realpath immediately before creating an exclusive temp file and renaming it into place (rename
 * replaces a final-component link instead of following it). Nothing here defends against a
 * hostile local process racing the worker; the roots guard against the model, not the OS user.
 */

/** Longest path accepted, in UTF-8 bytes (Linux PATH_MAX). */
export const MAX_PATH_BYTES = 4096;

/** A path the model gave that the file tools refuse; the message says what to do instead. */
export class PathRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathRefusedError';
  }
}

/** The path is malformed: empty, containing a NUL byte, or too long. */
export class InvalidPathError extends PathRefusedError {
  constructor(reason: string) {
    super(`Invalid path: ${reason}.`);
    this.name = 'InvalidPathError';
  }
}

/** The path resolves outside every granted folder. */
export class PathOutsideRootsError extends PathRefusedError {
  constructor(
    readonly requested: string,
    readonly roots: readonly string[],
  ) {
    super(
      `${JSON.stringify(requested.slice(0, 300))} is outside the folders you may use. ` +
        `Use a path inside one of: ${roots.join(', ')} (relative paths are taken from ${roots[0]}).`,
    );
    this.name = 'PathOutsideRootsError';
  }
}

/** A path that passed the check. `real` is what every later file-system call must use. */
export interface ResolvedPath {
  /** Canonical absolute path, inside {@link ResolvedPath.root}. */
  real: string;
  /** Realpath of the granted root it lies in. */
  root: string;
  /** Whether something (a file, folder or link) exists at `real`. */
  exists: boolean;
}

export interface ResolveOptions {
  /**
   * When false and the last name is a symlink, resolve to the link itself (its parent's realpath
   * plus its name), so move, copy and trash act on the link rather than on what it points to.
   * Default true: reading and writing contents follow the link and check where it lands.
   */
  followFinalLink?: boolean;
}

export interface GrantedRoots {
  /** The roots as configured, for messages. */
  readonly configured: readonly string[];
  /** Validates and resolves a path the model gave. Throws {@link PathRefusedError}. */
  resolve(requested: string, options?: ResolveOptions): Promise<ResolvedPath>;
  /** Whether an absolute canonical path lies inside a root; returns that root's realpath. */
  containing(real: string): Promise<string | undefined>;
  /**
   * Writes `data` to `target` atomically (common/atomic-file.ts: exclusive temp file in the same
   * folder, then rename). Re-checks right before writing that the parent's realpath is unchanged
   * and inside a root. With `noClobber`, fails with EEXIST instead of replacing an existing entry;
   * `temporary` (from `temporaryPathFor(target)`) names the temp file for a caller that journals it.
   */
  writeFileAtomic(target: string, data: string | Buffer, options?: Pick<AtomicWriteOptions, 'mode' | 'noClobber' | 'temporary'>): Promise<void>;
  /** Creates a folder and missing parents, then checks the created folder is still inside. */
  mkdirInside(target: string): Promise<void>;
}

/**
 * Builds the confinement for the given roots. Throws at start-up on misconfiguration (no roots,
 * relative roots); roots are realpath'd at each call, so a root created later still works.
 * `excluded` folders (OpenDispatch's own trash and journal) are refused even inside a root, so
 * granting a whole home folder does not let the model rewrite them.
 */
export function createGrantedRoots(roots: readonly string[], options: { excluded?: readonly string[] } = {}): GrantedRoots {
  if (roots.length === 0) throw new Error('At least one granted folder (DISPATCH_ROOTS) is required');
  for (const root of roots) {
    if (!path.isAbsolute(root)) throw new Error(`Granted folder must be an absolute path: ${root}`);
  }
  const configured = Object.freeze(roots.map((root) => path.resolve(root)));
  const excluded = (options.excluded ?? []).map((folder) => path.resolve(folder));

  const realRoots = async (): Promise<string[]> => {
    const resolved = await Promise.all(configured.map((root) => realpath(root).catch(() => undefined)));
    return resolved.filter((root): root is string => root !== undefined);
  };

  const containing = async (real: string): Promise<string | undefined> => {
    for (const folder of excluded) {
      const realFolder = await realpathOfNearest(folder);
      if (isWithin(realFolder, real)) return undefined;
    }
    return (await realRoots()).find((root) => isWithin(root, real));
  };

  const resolve = async (requested: string, options: ResolveOptions = {}): Promise<ResolvedPath> => {
    validateShape(requested);
    const absolute = path.resolve(configured[0] as string, requested);
    let real = await realpathOfNearest(absolute);
    const finalIsLink =
      options.followFinalLink === false && (await lstat(absolute).catch(() => undefined))?.isSymbolicLink() === true;
    if (finalIsLink) {
      real = path.join(await realpathOfNearest(path.dirname(absolute)), path.basename(absolute));
    }
    const root = await containing(real);
    if (root === undefined) throw new PathOutsideRootsError(requested, configured);
    const exists = (await lstat(real).catch(() => undefined)) !== undefined;
    return { real, root, exists };
  };

  const recheckParent = async (target: string): Promise<string> => {
    const parent = path.dirname(target);
    const realParent = await realpath(parent);
    if (realParent !== parent || (await containing(path.join(realParent, path.basename(target)))) === undefined) {
      throw new PathOutsideRootsError(target, configured);
    }
    return realParent;
  };

  const writeFileAtomicInside: GrantedRoots['writeFileAtomic'] = async (target, data, options = {}) => {
    const parent = await recheckParent(target);
    const temporary = options.temporary;
    if (temporary !== undefined && (path.dirname(temporary) !== parent || !isTemporaryName(path.basename(temporary)))) {
      throw new Error(`${temporary} is not a temporary beside ${target}`);
    }
    await writeFileAtomic(path.join(parent, path.basename(target)), data, options);
  };

  const mkdirInside = async (target: string): Promise<void> => {
    if ((await containing(await realpathOfNearest(target))) === undefined) {
      throw new PathOutsideRootsError(target, configured);
    }
    await mkdir(target, { recursive: true });
    if ((await containing(await realpath(target))) === undefined) throw new PathOutsideRootsError(target, configured);
  };

  return { configured, resolve, containing, writeFileAtomic: writeFileAtomicInside, mkdirInside };
}

/** Segment-wise containment: equal, or below. Both paths must be absolute and canonical. */
export function isWithin(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!path.isAbsolute(relative) && relative !== '..' && !relative.startsWith(`..${path.sep}`));
}

function validateShape(requested: unknown): asserts requested is string {
  if (typeof requested !== 'string' || requested.trim() === '') throw new InvalidPathError('the path is empty');
  if (requested.includes('\0')) throw new InvalidPathError('the path contains a NUL byte');
  if (Buffer.byteLength(requested, 'utf8') > MAX_PATH_BYTES) {
    throw new InvalidPathError(`the path is longer than ${MAX_PATH_BYTES} bytes`);
  }
}

/** realpath of `absolute`, or of its nearest existing ancestor with the missing names appended. */
async function realpathOfNearest(absolute: string): Promise<string> {
  const missing: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      return path.join(await realpath(current), ...missing.reverse());
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      const parent = path.dirname(current);
      if (parent === current) throw error;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

/**
 * The message to hand the model for an error it can fix (a refused path, a missing file, a name
 * already taken), or undefined for errors that should fail the activity and be retried.
 */
export function modelFixableMessage(error: unknown): string | undefined {
  if (error instanceof PathRefusedError) return error.message;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = (error as NodeJS.ErrnoException | undefined)?.path;
  const subject = where ? ` ${where}` : '';
  switch (code) {
    case 'ENOENT':
      return `No such file or folder:${subject}. Check the name with file_manager list or search.`;
    case 'EEXIST':
    case 'ENOTEMPTY':
      return `Something already exists at${subject}. Choose another name, or move it away first.`;
    case 'ENOTDIR':
      return `A part of the path is a file, not a folder:${subject}.`;
    case 'EISDIR':
      return `That is a folder, not a file:${subject}.`;
    case 'EACCES':
    case 'EPERM':
      return `Permission denied:${subject}. The desktop's user may not change this item.`;
    case 'ENAMETOOLONG':
      return `A name in the path is too long:${subject}.`;
    case 'ELOOP':
      return `Too many symbolic links while resolving:${subject}.`;
    case 'ENOSPC':
      return 'The disk is full.';
    case 'ERR_FS_CP_EINVAL':
      return 'Cannot copy a folder into itself.';
    case 'EINVAL':
      return `Cannot do that with this path (for example, move a folder into itself):${subject}.`;
    default:
      return undefined;
  }
}
