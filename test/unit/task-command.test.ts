import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', path.join(REPO, 'cli/opendispatch.ts'), ...args], { env, cwd: REPO, timeout: 30_000 }, (error, _stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr });
    });
  });
}

describe('opendispatch task --model', () => {
  let scratch: string;
  beforeEach(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'od-cli-'));
  });
  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('refuses a malformed model id as a usage error, before it touches the data folder or Temporal', async () => {
    const home = path.join(scratch, 'home');
    // Nothing listens on port 1: had the command gone on, it would have failed to connect (exit 69) instead.
    const env = { PATH: process.env.PATH, HOME: scratch, DISPATCH_HOME: home, TEMPORAL_ADDRESS: '127.0.0.1:1' };
    const { code, stderr } = await runCli(['task', '--model', 'claude opus; rm -rf ~', 'tidy my desktop'], env);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--model takes a Claude model id/);
    expect(existsSync(home)).toBe(false);
  });
});
