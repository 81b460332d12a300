import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', path.join(REPO, 'cli/opendispatch.ts'), ...args], { env, cwd: REPO, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

describe('the opendispatch command line', { timeout: 60_000 }, () => {
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

  // Nothing listens on port 1: a command that went on to Temporal would fail to connect (exit 69).
  const offline = () => ({ PATH: process.env.PATH, HOME: scratch, DISPATCH_HOME: path.join(scratch, 'home'), TEMPORAL_ADDRESS: '127.0.0.1:1' });

  it('answers --help for itself and for every command, with exit 0 and no stack trace', async () => {
    const top = await runCli(['--help'], offline());
    expect(top.code).toBe(0);
    for (const command of ['start', 'pair', 'task', 'list', 'show', 'cancel', 'retry', 'service']) expect(top.stdout).toContain(`opendispatch ${command}`);
    expect(top.stdout).toMatch(/Exit status: 0 done, 1 failed or cancelled, 2 wrong usage/);
    for (const command of ['task', 'start', 'list', 'show', 'cancel', 'retry', 'service', 'pair']) {
      const help = await runCli([command, '--help'], offline());
      expect(help.code, command).toBe(0);
      expect(help.stdout, command).toMatch(new RegExp(`^opendispatch ${command}`));
      expect(help.stderr, command).toBe('');
    }
    expect((await runCli(['help', 'retry'], offline())).stdout).toMatch(/failed or cancelled task/);
    expect(existsSync(path.join(scratch, 'home'))).toBe(false);
  });

  it('refuses a 25,000-character prompt before starting anything (the limit is 20,000)', async () => {
    const { code, stdout, stderr } = await runCli(['task', 'a'.repeat(25_000)], offline());
    expect(code).toBe(2);
    expect(stderr).toMatch(/The prompt has 25,000 characters; a task takes at most 20,000/);
    expect(stdout).toBe('');
    expect(existsSync(path.join(scratch, 'home'))).toBe(false);
  });

  it('answers every wrong command line with exit 2 and the usage, never 64 or a stack trace', async () => {
    for (const args of [['task'], ['task', '--bogus', 'x'], ['task', '--max-steps', 'many', 'x'], ['task', '--desktop', 'a b', 'x'], ['show'], ['show', 'not-a-task'], ['cancel', 'task-1', 'task-2'], ['frobnicate'], ['list', 'extra']]) {
      const { code, stderr } = await runCli(args, offline());
      expect(code, args.join(' ')).toBe(2);
      expect(stderr, args.join(' ')).not.toMatch(/\n\s+at /);
    }
  });

  it('says OpenDispatch is not running (exit 69) when Temporal does not answer', async () => {
    const { code, stderr } = await runCli(['list'], offline());
    expect(code).toBe(69);
    expect(stderr).toMatch(/Cannot reach Temporal at 127\.0\.0\.1:1/);
  });
});
