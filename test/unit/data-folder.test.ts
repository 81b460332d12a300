import { chmod, mkdir, mkdtemp, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { secureDataFolder } from '../../common/data-folder.js';

const modeOf = async (file: string) => (await stat(file)).mode & 0o777;

describe('the data folder is private to its owner', () => {
  it('fixes a world-readable folder from an older release: folders 0700, files 0600, executables 0700', async () => {
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'od-home-'));
    const home = path.join(scratch, 'home');
    await mkdir(path.join(home, 'blobs', 'ab'), { recursive: true });
    await mkdir(path.join(home, 'bin'), { recursive: true });
    await mkdir(path.join(home, 'files'), { recursive: true });
    const screenshot = path.join(home, 'blobs', 'ab', 'cd'.repeat(31));
    await writeFile(screenshot, 'png');
    await writeFile(path.join(home, 'temporal.sqlite'), 'db');
    await writeFile(path.join(home, 'bin', 'temporal-sdk-typescript-1.2.3'), '#!/bin/sh\n');
    await writeFile(path.join(home, 'files', 'notes.txt'), 'the person’s own file');
    const outside = path.join(scratch, 'outside.txt');
    await writeFile(outside, 'not ours');
    await symlink(outside, path.join(home, 'link'));
    for (const folder of [home, path.join(home, 'blobs'), path.join(home, 'blobs', 'ab'), path.join(home, 'bin'), path.join(home, 'files')]) await chmod(folder, 0o755);
    for (const file of [screenshot, path.join(home, 'temporal.sqlite'), path.join(home, 'files', 'notes.txt'), outside]) await chmod(file, 0o644);
    await chmod(path.join(home, 'bin', 'temporal-sdk-typescript-1.2.3'), 0o755);

    await secureDataFolder(home, { skip: [path.join(home, 'files')] });

    expect(await modeOf(home)).toBe(0o700);
    expect(await modeOf(path.join(home, 'blobs', 'ab'))).toBe(0o700);
    expect(await modeOf(screenshot)).toBe(0o600);
    expect(await modeOf(path.join(home, 'temporal.sqlite'))).toBe(0o600);
    expect(await modeOf(path.join(home, 'bin', 'temporal-sdk-typescript-1.2.3'))).toBe(0o700);
    // A granted folder inside the data folder holds the person's files: left as they were.
    expect(await modeOf(path.join(home, 'files', 'notes.txt'))).toBe(0o644);
    // Symbolic links are not followed out of the folder.
    expect(await modeOf(outside)).toBe(0o644);
  });

  it('creates a missing data folder private', async () => {
    const home = path.join(await mkdtemp(path.join(os.tmpdir(), 'od-home-')), 'new', 'home');
    await secureDataFolder(home);
    expect(await modeOf(home)).toBe(0o700);
  });
});
