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
}

/** The command that blocks sleep for as long as it runs, per platform. */
export function inhibitorCommandFor(platform: NodeJS.Platform): InhibitorCommand | undefined {
  switch (platform) {
    case 'linux':
      return {
        command: 'systemd-inhibit',
        args: ['--what=sleep:idle', '--who=OpenDispatch', '--why=A task is running on this desktop', '--mode=block', 'sleep', 'infinity'],
      };
    case 'darwin':
      return { command: 'caffeinate', args: ['-i', '-s'] };
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
  let unavailable = options.inhibitor === undefined;
  const report = (): void =>
    options.onChange?.({ mode: unavailable || !options.inhibitor ? 'unavailable' : options.inhibitor.command, active: child !== undefined });

  const start = (): void => {
    if (child || unavailable || !options.inhibitor) return;
    const { command, args } = options.inhibitor;
    // Tied: a worker killed outright must not leave the desktop unable to sleep.
    const started = spawnTied(command, args, { stdio: 'ignore' });
    child = started;
    started.once('error', (error) => {
      unavailable = true;
      child = undefined;
      report();
      options.logger.warn('cannot keep the desktop awake; it may sleep during tasks', { command, error: error.message });
    });
    started.once('exit', (code) => {
      if (child === started) {
        child = undefined;
        if (code !== null && code !== 0) {
          unavailable = true;
          options.logger.warn('the sleep inhibitor exited; the desktop may sleep during tasks', { command, code });
        }
        report();
      }
    });
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
