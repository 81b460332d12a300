import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp, mkdir, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findTemporalCli, TemporalCliNotFoundError } from '../../worker/temporal-cli.js';

async function executable(file: string, version = 'temporal version 9.9.9'): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `#!/bin/sh\necho "${version}"\n`);
  await chmod(file, 0o755);
  return file;
}

describe('finding the Temporal CLI', () => {
  const originalPath = process.env.PATH;
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'opendispatch-cli-'));
  });
  const originalTmp = process.env.TMPDIR;
  afterEach(() => {
    process.env.PATH = originalPath;
    if (originalTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = originalTmp;
  });

  it('prefers TEMPORAL_CLI over everything else', async () => {
    const pinned = await executable(path.join(dir, 'pinned', 'temporal'));
    expect(await findTemporalCli({ explicit: pinned, binDir: path.join(dir, 'bin'), allowDownload: false })).toBe(pinned);
  });

  it('then takes `temporal` from PATH', async () => {
    await executable(path.join(dir, 'path', 'temporal'));
    process.env.PATH = `${path.join(dir, 'path')}:/usr/bin:/bin`;
    expect(await findTemporalCli({ explicit: path.join(dir, 'missing'), binDir: path.join(dir, 'bin'), allowDownload: false })).toBe('temporal');
  });

  it('then uses a binary the SDK downloaded into the data folder', async () => {
    process.env.PATH = '/usr/bin:/bin';
    const cached = await executable(path.join(dir, 'bin', 'temporal-sdk-typescript-1.24.0'));
    expect(await findTemporalCli({ binDir: path.join(dir, 'bin'), allowDownload: false })).toBe(cached);
  });

  it('otherwise stops with one message naming all three ways', async () => {
    process.env.PATH = '/usr/bin:/bin';
    const failure = await findTemporalCli({ explicit: path.join(dir, 'nope'), binDir: path.join(dir, 'bin'), allowDownload: false }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TemporalCliNotFoundError);
    const message = (failure as Error).message;
    expect(message).toMatch(/TEMPORAL_CLI/);
    expect(message).toMatch(/on PATH/);
    expect(message).toMatch(/SDK download/);
    expect(message).toMatch(/TEMPORAL_ADDRESS/);
  });

  it('never runs a `temporal-sdk-typescript-*` file a stranger planted in the temp folder', async () => {
    process.env.PATH = '/usr/bin:/bin';
    const tmp = path.join(dir, 'tmp');
    await mkdir(tmp, { recursive: true });
    await chmod(tmp, 0o1777);
    process.env.TMPDIR = tmp;
    const marker = path.join(dir, 'ran');
    const planted = async (name: string) => {
      const file = path.join(tmp, name);
      await writeFile(file, `#!/bin/sh\necho ${name} >> '${marker}'\necho "temporal version 6.6.6"\n`);
      await chmod(file, 0o755);
      return file;
    };
    // Writable by others: anyone could have put their code in it.
    await chmod(await planted('temporal-sdk-typescript-9.0.0'), 0o757);
    // A link can point anywhere.
    const target = await planted('elsewhere');
    await symlink(target, path.join(tmp, 'temporal-sdk-typescript-9.0.1'));
    // Owned by another user (only root can hand a file to someone else).
    if (process.getuid?.() === 0) await chown(await planted('temporal-sdk-typescript-9.0.2'), 65534, 65534);

    const failure = await findTemporalCli({ binDir: path.join(dir, 'bin'), allowDownload: false }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TemporalCliNotFoundError);
    expect(existsSync(marker)).toBe(false);

    // The SDK's own earlier download, made by this user and private, is still used.
    const mine = await planted('temporal-sdk-typescript-9.0.3');
    expect(await findTemporalCli({ binDir: path.join(dir, 'bin'), allowDownload: false })).toBe(mine);
  });
});
