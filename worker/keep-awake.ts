import type { ChildProcess } from 'node:child_process';
import type { Logger } from '../common/logger.js';
import { spawnTied } from '../common/spawn-tied.js';

/**
 * Keeps the desktop from sleeping while any task works on it, and lets it sleep again once idle.
 * Sleep would not lose a task (Temporal resumes it), but it would stall it until someone wakes
 * the machine. Uses what the platform has: systemd-inhibit, caffeinate, or SetThreadExecutionState.
 */
export interface KeepAwake {
  /** Marks work as started; the returned function marks it done. */
  hold(): () => void;
  /** Whether an inhibitor is in force now. */
  readonly active: boolean;
  /** The inhibitor process, while one runs. */
  readonly inhibitorPid: number | undefined;
  stop(): void;
}

export interface InhibitorCommand {
  command: string;
  args: string[];
  /**
   * Arguments that take the inhibitor and let it go at once, exiting 0 when it can be taken: run
   * when the worker starts, so a machine that cannot be kept awake (no logind session, a refusing
   * policy) says so before the first task rather than during it.
   */
  check?: string[];
}

/** The command that blocks sleep for as long as it runs, per platform. */
export function inhibitorCommandFor(platform: NodeJS.Platform): InhibitorCommand | undefined {
  switch (platform) {
    case 'linux':
      return {
        command: 'systemd-inhibit',
        args: ['--what=sleep:idle', '--who=OpenDispatch', '--why=A task is running on this desktop', '--mode=block', 'sleep', 'infinity'],
        check: ['--what=sleep:idle', '--who=OpenDispatch', '--why=Checking that this desktop can be kept awake', '--mode=block', 'true'],
      };
    case 'darwin':
      return { command: 'caffeinate', args: ['-i', '-s'], check: ['-i', '-s', 'true'] };
    case 'win32':
      return {
        command: 'powershell.exe',
        args: [
          '-NoProfile',
          '-Command',
          "$s='[DllImport(\"kernel32.dll\")] public static extern uint SetThreadExecutionState(uint f);';" +
            '$k=Add-Type -MemberDefinition $s -Name Power -Namespace OpenDispatch -PassThru;' +
            'while ($true) { [void]$k::SetThreadExecutionState([uint32]"0x80000001"); Start-Sleep -Seconds 30 }',
        ],
      };
    default:
      return undefined;
  }
}

/** What the setup page shows about keeping the desktop awake. */
export interface KeepAwakeState {
  /** e.g. "systemd-inhibit", or "unavailable". */
  mode: string;
  active: boolean;
  /** Why the desktop cannot be kept awake, when mode is "unavailable": the inhibitor's own words where it gave any. */
  reason?: string;
}

/** How much of an inhibitor's error output is kept as the reason it failed. */
const REASON_CHARS = 300;

/** The last line an inhibitor wrote to stderr, e.g. systemd-inhibit's "Failed to inhibit: Access denied". */
function lastLine(output: string): string | undefined {
  return output.trim().split('\n').pop()?.trim().slice(0, REASON_CHARS) || undefined;
}

/** Why an inhibitor that ended by itself (or could not start) keeps nothing awake, in a person's words. */
function failureReason(command: string, failure: { error?: NodeJS.ErrnoException; code?: number | null; stderr?: string }): string {
  if (failure.error) return failure.error.code === 'ENOENT' ? `${command} is not installed` : `${command} could not be started: ${failure.error.message}`;
  const said = lastLine(failure.stderr ?? '');
  return `${command} exited with code ${failure.code}${said ? `: ${said}` : ''}`;
}

export function createKeepAwake(options: {
  logger: Logger;
  inhibitor?: InhibitorCommand;
  /** Told whenever the inhibitor starts, stops or turns out to be unavailable. */
  onChange?: (state: KeepAwakeState) => void;
  /** Idle time before sleep is allowed again; bridges the gaps between one task's activities. */
  releaseAfterMs?: number;
}): KeepAwake {
  const releaseAfterMs = options.releaseAfterMs ?? 60_000;
  let running = 0;
  let child: ChildProcess | undefined;
  let releaseTimer: NodeJS.Timeout | undefined;
  let unavailable: string | undefined = options.inhibitor
    ? undefined
    : 'this system has no sleep inhibitor OpenDispatch can use (it uses systemd-inhibit, caffeinate or SetThreadExecutionState)';
  const report = (): void =>
    options.onChange?.(
      unavailable || !options.inhibitor
        ? { mode: 'unavailable', active: false, ...(unavailable ? { reason: unavailable } : {}) }
        : { mode: options.inhibitor.command, active: child !== undefined },
    );
  const giveUp = (reason: string): void => {
    unavailable ??= reason;
    options.logger.warn('cannot keep the desktop awake; it may sleep during tasks', { reason });
  };

  /** Runs the inhibitor; `onEnd` hears how it ended, with what it said on stderr. */
  const spawnInhibitor = (args: string[], onEnd: (failure: { error?: NodeJS.ErrnoException; code?: number | null; stderr: string }) => void): ChildProcess => {
    // Tied: a worker killed outright must not leave the desktop unable to sleep.
    const started = spawnTied(options.inhibitor!.command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    started.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 4 * REASON_CHARS) stderr += chunk;
    });
    let ended = false;
    started.once('error', (error) => {
      if (!ended) onEnd({ error, stderr });
      ended = true;
    });
    // `close`, not `exit`: only then has all of stderr been read.
    started.once('close', (code) => {
      if (!ended) onEnd({ code, stderr });
      ended = true;
    });
    return started;
  };

  const start = (): void => {
    if (child || unavailable || !options.inhibitor) return;
    const { command, args } = options.inhibitor;
    const started = spawnInhibitor(args, ({ error, code, stderr }) => {
      if (child !== started) return;
      child = undefined;
      if (error || (code !== null && code !== 0)) giveUp(failureReason(command, { error, code, stderr }));
      report();
    });
    child = started;
    options.logger.info('keeping the desktop awake while tasks run', { command });
    report();
  };

  const release = (): void => {
    const current = child;
    child = undefined;
    if (current && current.exitCode === null) current.kill('SIGTERM');
    if (current) report();
  };

  report();
  if (options.inhibitor?.check) {
    const { command, check } = options.inhibitor;
    spawnInhibitor(check, ({ error, code, stderr }) => {
      if (!error && code === 0) return;
      giveUp(failureReason(command, { error, code, stderr }));
      if (!child) report();
    });
  }
  return {
    hold() {
      running++;
      if (releaseTimer) clearTimeout(releaseTimer);
      releaseTimer = undefined;
      start();
      let done = false;
      return () => {
        if (done) return;
        done = true;
        running--;
        if (running === 0) {
          releaseTimer = setTimeout(release, releaseAfterMs);
          releaseTimer.unref();
        }
      };
    },
    get active() {
      return child !== undefined;
    },
    get inhibitorPid() {
      return child?.pid;
    },
    stop() {
      if (releaseTimer) clearTimeout(releaseTimer);
      release();
    },
  };
}
