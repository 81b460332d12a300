import { createHash } from 'node:crypto';
import { mkdir, readFile, utimes } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../common/atomic-file.js';
import type { BlobRef } from '../../common/contract.js';

/**
 * Content-addressed blobs under the data folder. Screenshots and transcripts live here so that
 * Temporal history only carries their digests; writing the same bytes twice is a no-op, which
 * makes every activity that stores a blob safe to retry.
 */
export interface ContentStore {
  put(bytes: Buffer): Promise<BlobRef>;
  get(ref: BlobRef): Promise<Buffer>;
  putJson(value: unknown): Promise<BlobRef>;
  getJson<T>(ref: BlobRef): Promise<T>;
  /** Where a blob lives on disk, for tools (and people) that want to open it. */
  pathOf(ref: BlobRef): string;
}

const REF_PATTERN = /^[0-9a-f]{64}$/;

/** Thrown for a reference that is malformed or names no stored blob. */
export class BlobNotFoundError extends Error {
  constructor(readonly ref: string) {
    super(`No stored blob ${ref.slice(0, 80)}`);
    this.name = 'BlobNotFoundError';
  }
}

export function createContentStore(directory: string): ContentStore {
  const pathOf = (ref: BlobRef): string => {
    if (!REF_PATTERN.test(ref)) throw new BlobNotFoundError(ref);
    return path.join(directory, ref.slice(0, 2), ref.slice(2));
  };

  const put = async (bytes: Buffer): Promise<BlobRef> => {
    const ref = createHash('sha256').update(bytes).digest('hex');
    const target = pathOf(ref);
    try {
      // Stored already: mark it used now, so retention (activities/store/retention.ts) keeps a
      // blob an older task wrote for as long as newer tasks keep storing it.
      const now = new Date();
      await utimes(target, now, now);
      return ref;
    } catch {
      // Not stored yet: write it below.
    }
    await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    // Not flushed, as before: a step does not wait for the disk for every screenshot. Private:
    // screenshots show whatever was on the person's screen.
    await writeFileAtomic(target, bytes, { durable: false, mode: 0o600 });
    return ref;
  };

  const get = async (ref: BlobRef): Promise<Buffer> => {
    try {
      return await readFile(pathOf(ref));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(ref);
      throw error;
    }
  };

  return {
    put,
    get,
    pathOf,
    putJson: (value) => put(Buffer.from(JSON.stringify(value))),
    getJson: async <T>(ref: BlobRef) => JSON.parse((await get(ref)).toString('utf8')) as T,
  };
}
