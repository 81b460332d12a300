import { lstat, mkdtemp, readFile, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTemporaryName, removeStaleTemporaries, temporaryPathFor, writeFileAtomic, writeFileAtomicSync } from '../../common/atomic-file.js';

let dir: string;
const at = (name: string) => path.join(dir, name);

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'atomic-file-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writing a file atomically', () => {
  it('replaces the file and leaves no temporary behind, asynchronously and synchronously', async () => {
    await writeFile(at('state.json'), 'old');
    await writeFileAtomic(at('state.json'), 'new');
    expect(await readFile(at('state.json'), 'utf8')).toBe('new');
    writeFileAtomicSync(at('state.json'), 'newer', { durable: false });
    expect(await readFile(at('state.json'), 'utf8')).toBe('newer');
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('with noClobber, creates a file but never replaces one, and says which name is taken', async () => {
    await writeFileAtomic(at('new.txt'), 'first', { noClobber: true });
    await writeFile(at('taken.txt'), 'keep me');
    await expect(writeFileAtomic(at('taken.txt'), 'lost', { noClobber: true })).rejects.toMatchObject({ code: 'EEXIST', path: at('taken.txt') });
    expect(await readFile(at('taken.txt'), 'utf8')).toBe('keep me');
    expect((await readdir(dir)).sort()).toEqual(['new.txt', 'taken.txt']);
  });

  it('replaces a symbolic link at the target instead of writing through it', async () => {
    await writeFile(at('elsewhere.txt'), 'outside');
    await symlink(at('elsewhere.txt'), at('link.txt'));
    await writeFileAtomic(at('link.txt'), 'inside');
    expect((await lstat(at('link.txt'))).isSymbolicLink()).toBe(false);
    expect(await readFile(at('elsewhere.txt'), 'utf8')).toBe('outside');
  });

  it('writes the temporary the caller named beforehand, never through something already there', async () => {
    await writeFile(at('elsewhere.txt'), 'outside');
    const temporary = temporaryPathFor(at('doc.txt'));
    await symlink(at('elsewhere.txt'), temporary);
    await expect(writeFileAtomic(at('doc.txt'), 'x', { temporary })).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(at('elsewhere.txt'), 'utf8')).toBe('outside');
    await rm(temporary);
    await writeFileAtomic(at('doc.txt'), 'x', { temporary });
    expect(await readFile(at('doc.txt'), 'utf8')).toBe('x');
  });
});

describe('our temporaries', () => {
  it('are hidden, in the same folder, short enough for any name, and recognisable', () => {
    const long = temporaryPathFor(path.join(dir, `${'é'.repeat(200)}.txt`));
    expect(path.dirname(long)).toBe(dir);
    expect(Buffer.byteLength(path.basename(long))).toBeLessThanOrEqual(255);
    for (const name of ['notes.txt', '.bashrc', `${'x'.repeat(300)}`]) {
      expect(isTemporaryName(path.basename(temporaryPathFor(at(name))))).toBe(true);
    }
    for (const name of ['notes.txt', 'notes.txt.123456', '.notes.txt.swp', '.a.0123456789ab.dispatch-tmp.bak', 'a.0123456789ab.dispatch-tmp', '.a.0123456789a.dispatch-tmp']) {
      expect(isTemporaryName(name), name).toBe(false);
    }
  });

  it('are removed once older than the worker, unless kept; nothing else is', async () => {
    const stale = temporaryPathFor(at('a.txt'));
    const kept = temporaryPathFor(at('b.txt'));
    const fresh = temporaryPathFor(at('c.txt'));
    for (const file of [stale, kept, at('person.txt')]) {
      await writeFile(file, 'x');
      await utimes(file, new Date('2020-01-01'), new Date('2020-01-01'));
    }
    const startedAt = new Date();
    await writeFile(fresh, 'x');
    await utimes(fresh, new Date(Date.now() + 1000), new Date(Date.now() + 1000));

    expect(await removeStaleTemporaries(dir, startedAt, new Set([kept]))).toEqual([stale]);
    expect((await readdir(dir)).sort()).toEqual([path.basename(kept), path.basename(fresh), 'person.txt'].sort());
  });
});
