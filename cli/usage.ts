import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * The CLI's exit codes, the same for every command so scripts can rely on them: 0 the task (or
 * command) succeeded, 1 it failed or was cancelled, 2 the command line was wrong (nothing was
 * done), 69 Temporal or the gateway could not be reached (try again once `npm start` runs).
 */
export const ExitCode = { done: 0, failed: 1, usage: 2, unavailable: 69 } as const;

/** A wrong command line: printed with the command's usage, exit code 2, nothing done. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

const FOLLOW_OPTIONS = `      --no-follow        print the task id and return at once`;

/** Each command's help, shown by `opendispatch <command> --help` and `opendispatch help <command>`. */
export const COMMAND_HELP: Record<string, string> = {
  start: `opendispatch start
  Runs Temporal, this desktop's worker and the phone gateway until Ctrl+C.
  Temporal is embedded unless TEMPORAL_ADDRESS is set; it prints where to reach everything and
  a pairing link (with a QR code in a terminal).`,
  pair: `opendispatch pair
  Prints a fresh one-time pairing link and QR code (needs \`opendispatch start\` running).`,
  browser: `opendispatch browser [url]
  Opens the agent's own browser in a window, to sign in to sites it should use.`,
  task: `opendispatch task "<prompt>" [options]
  Starts a task on a desktop and follows it step by step until it ends.
      --desktop <id>     the desktop that carries it out (default: this one)
      --model <id>       the Claude model, e.g. claude-opus-4-7 (default: DISPATCH_MODEL)
      --max-steps <n>    stop after n model decisions (default: DISPATCH_MAX_STEPS or 60)
${FOLLOW_OPTIONS}
  The prompt may be up to 20,000 characters.`,
  list: `opendispatch list
  Lists the latest tasks, newest first: id, status, age and prompt.`,
  show: `opendispatch show <task id>
  Shows a task: its status, steps, result or error, and its link on the phone.`,
  cancel: `opendispatch cancel <task id>
  Cancels a queued or running task; it stops after the action under way.`,
  retry: `opendispatch retry <task id> [--no-follow]
  Starts a failed or cancelled task again, as a new task, and follows it.
${FOLLOW_OPTIONS}`,
  answer: `opendispatch answer <task id> "<text>"
  Answers the question a task is waiting on (as the phone's question card does).`,
  approve: `opendispatch approve <task id> [--always]
  Approves the action a task is waiting on; --always approves that tool for the rest of the task.`,
  decline: `opendispatch decline <task id>
  Declines the action a task is waiting on; it is not carried out.`,
  say: `opendispatch say <task id> "<text>"
  Sends a message: a running task reads it at its next step, a finished one continues with it.`,
  schedule: `opendispatch schedule add|list|rm|pause|unpause|trigger
  Gives tasks for later: once at a time, or repeating on a cron. Each run is an ordinary task.
      add "<prompt>" --at <time> | --cron "<5 fields>" [--tz <zone>] [--model <id>] [--desktop <id>]
      list               the schedules, their next run and last runs
      rm <id>            delete a schedule (the tasks it ran stay)
      pause <id>, unpause <id>
      trigger <id>       run it now, as if it were due
  \`opendispatch schedule <subcommand> --help\` explains each.`,
  service: `opendispatch service install|uninstall|status
  Starts OpenDispatch when you log in (or stops doing so).
  A systemd user service on Linux, a launchd agent on macOS, a Scheduled Task on Windows.
  \`install\` records the current environment's OpenDispatch,
  Temporal and Anthropic settings (and DISPLAY, XAUTHORITY, PATH) for it, privately.
      --print            show what install would write and run, and change nothing`,
};

/** `opendispatch --help`: every command in one screen. */
export function overview(): string {
  return [
    'Usage: opendispatch <command> [options]',
    '',
    ...Object.values(COMMAND_HELP).map((text) => `  ${text.split('\n', 2).join('\n  ')}`),
    '',
    'Run `opendispatch <command> --help` for a command\'s options.',
    'Exit status: 0 done, 1 failed or cancelled, 2 wrong usage, 69 OpenDispatch not reachable.',
    'Configuration is read from the environment; see README.md.',
  ].join('\n');
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `parseArgs` for one command, strict, with `--help`/`-h` added; a malformed command line (an
 * unknown option, a missing value) becomes a {@link UsageError} instead of a stack trace.
 * Returns undefined when help was asked for (and printed).
 */
export function parseCommand<T extends Options>(
  command: string,
  args: string[],
  options: T,
  write: (text: string) => void,
): ReturnType<typeof parseArgs<{ args: string[]; options: T & { help: { type: 'boolean'; short: 'h' } }; allowPositionals: true; strict: true }>> | undefined {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } } as T & { help: { type: 'boolean'; short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message, command);
  }
  if ((parsed.values as { help?: boolean }).help) {
    write(`${COMMAND_HELP[command] ?? overview()}\n`);
    return undefined;
  }
  return parsed;
}
