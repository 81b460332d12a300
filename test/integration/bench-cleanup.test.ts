import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eventually } from '../helpers/async.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** Every process on the machine: pid, parent and command line, from /proc. */
async function processes(): Promise<Array<{ pid: number; ppid: number; cmdline: string }>> {
  const found = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = (await readFile(`/proc/${name}/cmdline`, 'utf8')).split('\0').join(' ');
      found.push({ pid: Number(name), ppid, cmdline });
    } catch {
      // It ended while we looked.
    }
  }
  return found;
}

/** The descendants of `root`: what the benchmark runner started, and what those started. */
async function descendants(root: number): Promise<Array<{ pid: number; cmdline: string }>> {
  const all = await processes();
  const result: Array<{ pid: number; cmdline: string }> = [];
  const parents = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const entry of all) {
      if (parents.has(entry.ppid) && !parents.has(entry.pid)) {
        parents.add(entry.pid);
        result.push(entry);
        grew = true;
      }
    }
  }
  return result;
}

/** Running, as opposed to gone or a zombie nobody has reaped yet. */
const alive = async (pid: number): Promise<boolean> => {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
};

describe('npm run bench', () => {
  it('leaves no Temporal server behind when it is stopped halfway (SIGTERM, as a timeout sends)', async () => {
    const runner = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'bench/run.ts'), 'step-overhead'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    runner.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    runner.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => runner.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));

    let server: { pid: number; cmdline: string } | undefined;
    const deadline = Date.now() + 90_000;
    while (!server) {
      expect(Date.now(), `no Temporal server appeared:\n${output}`).toBeLessThan(deadline);
      server = (await descendants(runner.pid!)).find((entry) => /server start-dev/.test(entry.cmdline));
      if (!server) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const home = /--db-filename (\S+)\/temporal\.sqlite/.exec(server.cmdline)![1]!;

    runner.kill('SIGTERM');
    expect(await exited).toBe(143);
    // Gone within moments of the runner's exit (a server still starting is ended by its tie to
    // the runner): nothing is left for anyone to clean up.
    const gone = await eventually(async () => ({ server: await alive(server!.pid), left: await descendants(runner.pid!), home: existsSync(home) }), (state) => !state.server && state.left.length === 0, 15_000);
    expect(gone).toMatchObject({ server: false, left: [] });
    expect(existsSync(home) && (await alive(server.pid))).toBe(false);
  });
});
