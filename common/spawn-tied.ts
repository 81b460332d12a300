import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

const running = new Set<ChildProcess>();
let wrapper: string | null | undefined;

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where `command` resolves on `searchPath`, as spawn would find it; undefined if nowhere. */
function findExecutable(command: string, searchPath: string | undefined): string | undefined {
  if (command.includes('/') || command.includes(path.sep)) return isExecutable(command) ? command : undefined;
  for (const directory of (searchPath ?? '').split(path.delimiter)) {
    if (directory !== '' && isExecutable(path.join(directory, command))) return path.join(directory, command);
  }
  return undefined;
}

/** util-linux `setpriv`, if it can set a parent-death signal (Linux, util-linux 2.33 or newer). */
function parentDeathWrapper(): string | undefined {
  if (wrapper === undefined) {
    const found = process.platform === 'linux' ? findExecutable('setpriv', process.env.PATH) : undefined;
    const help = found ? spawnSync(found, ['--help'], { encoding: 'utf8', timeout: 5_000 }).stdout : '';
    wrapper = found && help?.includes('--pdeathsig') ? found : null;
  }
  return wrapper ?? undefined;
}

let hooked = false;
function endChildrenOnExit(): void {
  if (hooked) return;
  hooked = true;
  // Runs on process.exit(), the end of the event loop and uncaught exceptions; not on a signal
  // that kills this process, which the parent-death signal covers.
  process.on('exit', () => {
    for (const child of running) child.kill('SIGTERM');
  });
}

/**
 * `spawn`, but the child does not outlive this process, however it ends: on Linux the child is
 * started through `setpriv --pdeathsig SIGTERM`, so the kernel sends it SIGTERM when this process
 * dies, SIGKILL included (setpriv execs the command, so the pid is the command's own); everywhere,
 * children still running when this process exits are sent SIGTERM. A command that cannot be found
 * is spawned unwrapped, so it fails with ENOENT as with `spawn`. Without this, a crashed
 * `opendispatch start` left its Temporal server holding the ports the next start needs.
 */
export function spawnTied(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const setpriv = parentDeathWrapper();
  const wrap = setpriv !== undefined && findExecutable(command, (options.env ?? process.env).PATH) !== undefined;
  const child = wrap ? spawn(setpriv, ['--pdeathsig', 'SIGTERM', '--', command, ...args], options) : spawn(command, args, options);
  endChildrenOnExit();
  running.add(child);
  child.once('exit', () => running.delete(child));
  child.once('error', () => running.delete(child));
  return child;
}

/**
 * Stops every tied child still running: SIGTERM, then SIGKILL after `graceMs`, and resolves once
 * all have exited. For a process that must end now (a signal arrived) and must not leave behind a
 * child it was still starting, which no `finally` knows about yet.
 */
export async function stopTiedChildren(graceMs = 10_000): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}
