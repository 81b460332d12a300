import { createHash } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { interruptedBeforeReport } from '../../common/contract.js';

/**
 * What a file tool call is about to change, recorded in the journal BEFORE the first change, so
 * that whoever answers for the call (the attempt itself, or a retry after the worker died at any
 * point) decides from the disk, not from which lines of code ran:
 *
 * - every path in the state the call leaves  → the change happened: answer the intent's `text`;
 * - every path in the state it found         → it did not: remove leftovers and run it again;
 * - anything else                            → say truthfully that it may or may not have happened.
 *
 * A call that recorded no intent changed nothing, so running it again is safe.
 */
export interface WriteIntent {
  /** The answer for the model once the change is found made. */
  text: string;
  changes: ExpectedChange[];
  /** Our own temporaries (`.name.<hex>.dispatch-tmp`), removed whatever is found. */
  temporaries: string[];
  /** Removed when the change is found made: steps after the commit that may not have run (restore's manifest). */
  removeIfDone?: string[];
  /** Removed when the change is found not made, before running it again (trash's manifest). */
  removeIfNotDone?: string[];
}

/** How a path's state is compared: content hash (edits), device and inode (moves), or kind (new folders). */
export type FingerprintKind = 'content' | 'identity' | 'kind';

/** One path the call changes, with its fingerprint before and after. */
export interface ExpectedChange {
  path: string;
  by: FingerprintKind;
  before: string;
  after: string;
}

/** The fingerprint of a path that does not exist. */
export const ABSENT = 'absent';
/** An `after` not known yet (a copy still being made): it matches nothing. */
export const NOT_YET_KNOWN = 'not-yet-known';

export type Verdict = { kind: 'done' } | { kind: 'not-done' } | { kind: 'unknown'; paths: string[] };

/** Lets a tool record its intent before it changes anything; the file activity supplies it per call. */
export interface ChangeRecorder {
  record(intent: WriteIntent): Promise<void>;
}

/** For a tool run outside the file activity (nothing to recover, nothing recorded). */
export const NOT_RECORDED: ChangeRecorder = { record: async () => undefined };

const HASH_CHUNK_BYTES = 1024 * 1024;

/** The `content` fingerprint of bytes about to be written. */
export function contentFingerprint(data: string | Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** The `identity` fingerprint of an entry: it survives a rename, not a copy. */
export function identityFingerprint(info: Stats): string {
  return `${kindOf(info)}:${info.dev}:${info.ino}`;
}

/** The current fingerprint of `path`. Files are hashed in chunks, so a long hash lets heartbeats through. */
export async function fingerprintOf(path: string, by: FingerprintKind): Promise<string> {
  const info = await lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw error;
  });
  if (!info) return ABSENT;
  if (by === 'kind') return kindOf(info);
  if (by === 'identity') return identityFingerprint(info);
  if (!info.isFile()) return kindOf(info);
  const hash = createHash('sha256');
  const handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  try {
    const buffer = Buffer.alloc(HASH_CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return `sha256:${hash.digest('hex')}`;
}

/** Compares the disk with an intent: made, not made, or neither. */
export async function judge(intent: WriteIntent): Promise<Verdict> {
  const now = await Promise.all(intent.changes.map((change) => fingerprintOf(change.path, change.by)));
  if (intent.changes.every((change, index) => now[index] === change.after)) return { kind: 'done' };
  if (intent.changes.every((change, index) => now[index] === change.before)) return { kind: 'not-done' };
  return { kind: 'unknown', paths: intent.changes.filter((change, index) => now[index] !== change.after).map((change) => change.path) };
}

/** What the model hears when the disk matches neither side of an intent. */
export function uncertainText(paths: string[], interrupted: boolean): string {
  const how = interrupted
    ? interruptedBeforeReport('This file operation')
    : 'This file operation ran, but something else changed the same files meanwhile, so it may or may not have taken effect';
  return `${how}: ${paths.join(', ')} ${paths.length === 1 ? 'is' : 'are'} neither as before it nor as it would leave ${paths.length === 1 ? 'it' : 'them'}. Look at the current state (view, stat or list) before going on.`;
}

/** Appended to a refusal that came after part of the change was made. */
export function partlyDoneNote(paths: string[]): string {
  return `\n(Part of this operation may have happened: ${paths.join(', ')} changed. Look at the current state before trying again.)`;
}

/** Whether a parsed journal record has the shape of an intent (records are JSON from disk). */
export function isWriteIntent(value: unknown): value is WriteIntent {
  const intent = value as WriteIntent | undefined;
  return typeof intent?.text === 'string' && Array.isArray(intent.changes) && Array.isArray(intent.temporaries);
}

function kindOf(info: Stats): string {
  return info.isSymbolicLink() ? 'link' : info.isDirectory() ? 'folder' : info.isFile() ? 'file' : 'other';
}
