import type { Client } from '@temporalio/client';
import { ConfigError, loadConfig, type DispatchConfig } from '../common/config.js';
import { DESKTOP_ID_PATTERN } from '../common/desktop-id.js';
import { TASK_ID_PATTERN } from '../common/task-id.js';
import type { TaskService } from '../gateway/task-service.js';
import { COMMAND_HELP, ExitCode, overview, parseCommand, UsageError } from './usage.js';

// Each command imports what it needs when it runs (`await import`): `--help`, or a usage error,
// answers at once instead of after loading the gateway, the worker and Temporal's client.

/** The one-line MCP usage, kept by cli/mcp.ts; only its own command loads that module. */
const MCP_USAGE = 'opendispatch mcp list                   list the MCP servers (connectors), their state and their tools';
COMMAND_HELP.mcp = MCP_USAGE;

const out = (text: string): void => void process.stdout.write(text);
const line = (text: string): void => out(`${text}\n`);

/** Exactly `count` positionals (or between `min` and `max`), else a usage error. */
function positionalsOf(command: string, positionals: string[], min: number, max: number, what: string): string[] {
  if (positionals.length < min || positionals.length > max) throw new UsageError(`${command} takes ${what}.`, command);
  return positionals;
}

/** Connects to Temporal for one command; says how to start it when nothing answers (exit 69). */
async function withClient(config: Readonly<DispatchConfig>, use: (client: Client) => Promise<number>): Promise<number> {
  let client: Client;
  try {
    client = await (await import('../worker/temporal-connection.js')).connectClient(config.temporal);
  } catch (error) {
    process.stderr.write(
      `Cannot reach Temporal at ${config.temporal.address}: ${(error as Error).message}\n` +
        (config.temporal.kind === 'embedded' ? 'Is OpenDispatch running? Start it with `npm start`.\n' : ''),
    );
    return ExitCode.unavailable;
  }
  try {
    return await use(client);
  } finally {
    await client.connection.close();
  }
}

const desktopOf = async (config: Readonly<DispatchConfig>) => (await import('../worker/desktop-id.js')).resolveDesktopId({ configured: config.desktopId, home: config.home });

/** Each command: parse its own line (a usage error before anything happens), then act. */
const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  async start(args) {
    const parsed = parseCommand('start', args, {}, out);
    if (!parsed) return ExitCode.done;
    positionalsOf('start', parsed.positionals, 0, 0, 'no arguments');
    const config = loadConfig();
    // A bad mcp.json stops start-up here, naming the file, the server and the field.
    (await import('../activities/mcp/mcp-config.js')).loadMcpConfig(config.mcp.configFile, { required: config.mcp.required });
    await (await import('./start.js')).runStart(config);
    return process.exitCode === undefined ? ExitCode.done : Number(process.exitCode);
  },
  async pair(args) {
    const parsed = parseCommand('pair', args, {}, out);
    if (!parsed) return ExitCode.done;
    positionalsOf('pair', parsed.positionals, 0, 0, 'no arguments');
    return (await import('./pair.js')).runPairCommand(loadConfig(), out);
  },
  async browser(args) {
    const parsed = parseCommand('browser', args, {}, out);
    if (!parsed) return ExitCode.done;
    const [url] = positionalsOf('browser', parsed.positionals, 0, 1, 'at most one web address');
    const code = await (await import('./browser.js')).runBrowserCommand(loadConfig(), url, out);
    return code === 64 ? ExitCode.usage : code; // browser.ts says EX_USAGE; the CLI's usage code is 2.
  },
  async mcp(args) {
    if (args.includes('--help') || args.includes('-h')) {
      line(MCP_USAGE);
      return ExitCode.done;
    }
    const code = await (await import('./mcp.js')).runMcpCommand(loadConfig(), args, out);
    return code === 64 ? ExitCode.usage : code;
  },
  async task(args) {
    const parsed = parseCommand('task', args, { desktop: { type: 'string' }, model: { type: 'string' }, 'max-steps': { type: 'string' }, 'no-follow': { type: 'boolean' } }, out);
    if (!parsed) return ExitCode.done;
    const { values } = parsed;
    const { checkPrompt, runTaskCommand } = await import('./task.js');
    const prompt = checkPrompt(parsed.positionals);
    const maxSteps = values['max-steps'] === undefined ? undefined : Number(values['max-steps']);
    if (maxSteps !== undefined && (!Number.isInteger(maxSteps) || maxSteps < 1 || maxSteps > 10_000)) {
      throw new UsageError('--max-steps takes a whole number from 1 to 10000.', 'task');
    }
    const { DEFAULT_MODEL, MODEL_ID_PATTERN } = await import('../common/models.js');
    if (values.model !== undefined && !MODEL_ID_PATTERN.test(values.model)) {
      throw new UsageError(`--model takes a Claude model id such as ${DEFAULT_MODEL}; "${values.model}" is not one.`, 'task');
    }
    if (values.desktop !== undefined && !DESKTOP_ID_PATTERN.test(values.desktop)) {
      throw new UsageError(`--desktop takes a desktop id (letters, digits, dot, dash, underscore); "${values.desktop}" is not one.`, 'task');
    }
    const config = loadConfig();
    const desktopId = values.desktop ?? (await desktopOf(config));
    const { taskPhoneUrl } = await import('./task-link.js');
    return withClient(config, (client) =>
      runTaskCommand(client, config, { prompt, desktopId, model: values.model, maxSteps, follow: !values['no-follow'], phoneUrl: (id) => taskPhoneUrl(config, id) }),
    );
  },
  async list(args) {
    const parsed = parseCommand('list', args, {}, out);
    if (!parsed) return ExitCode.done;
    positionalsOf('list', parsed.positionals, 0, 0, 'no arguments');
    const config = loadConfig();
    const desktopId = await desktopOf(config);
    const { cliTaskService, runListCommand } = await import('./task-commands.js');
    return withClient(config, (client) => runListCommand(cliTaskService(client, config, desktopId), line));
  },
  async show(args) {
    const { runShowCommand } = await import('./task-commands.js');
    return withTask('show', args, {}, (tasks, config, id) => runShowCommand(tasks, config, id, line));
  },
  async cancel(args) {
    const { runCancelCommand } = await import('./task-commands.js');
    return withTask('cancel', args, {}, (tasks, _config, id) => runCancelCommand(tasks, id, line));
  },
  async retry(args) {
    const { runRetryCommand } = await import('./task-commands.js');
    return withTask('retry', args, { 'no-follow': { type: 'boolean' } }, (tasks, config, id, values, client) =>
      runRetryCommand(client, tasks, config, { id, follow: !values['no-follow'], write: line }),
    );
  },
  async answer(args) {
    return conversation('answer', args, {}, (id, text) => ({ kind: 'answer', id, text: text! }));
  },
  async approve(args) {
    return conversation('approve', args, { always: { type: 'boolean' } }, (id, _text, values) => ({ kind: 'approval', id, approve: true, always: values.always === true }));
  },
  async decline(args) {
    return conversation('decline', args, {}, (id) => ({ kind: 'approval', id, approve: false, always: false }));
  },
  async say(args) {
    return conversation('say', args, {}, (id, text) => ({ kind: 'say', id, text: text! }));
  },
  async schedule(args) {
    const { parseScheduleCommand, runScheduleCommand } = await import('./schedule-commands.js');
    const action = parseScheduleCommand(args, out);
    if (!action) return ExitCode.done;
    const config = loadConfig();
    const desktopId = await desktopOf(config);
    return withClient(config, (client) => runScheduleCommand(client, config, action, { desktopId, write: line }));
  },
  async service(args) {
    const parsed = parseCommand('service', args, { print: { type: 'boolean' } }, out);
    if (!parsed) return ExitCode.done;
    const [action] = positionalsOf('service', parsed.positionals, 1, 1, 'one of install, uninstall or status');
    return (await import('./service.js')).runServiceCommand(action, { config: loadConfig(), print: parsed.values.print === true, write: line });
  },
};

/** `answer`, `approve`, `decline` and `say`: a task id (and, for answer and say, the text), then the conversation service. */
async function conversation(
  command: 'answer' | 'approve' | 'decline' | 'say',
  args: string[],
  options: Parameters<typeof parseCommand>[2],
  action: (id: string, text: string | undefined, values: Record<string, unknown>) => import('./conversation-commands.js').ConversationAction,
): Promise<number> {
  const parsed = parseCommand(command, args, options, out);
  if (!parsed) return ExitCode.done;
  const takesText = command === 'answer' || command === 'say';
  const [id, text] = positionalsOf(command, parsed.positionals, takesText ? 2 : 1, takesText ? 2 : 1, takesText ? 'a task id, then the text in quotes' : 'one task id');
  if (!TASK_ID_PATTERN.test(id!)) throw new UsageError(`"${id}" is not a task id; task ids look like task-1b2c…`, command);
  const { checkPersonText, runConversationCommand } = await import('./conversation-commands.js');
  const checked = takesText ? checkPersonText(command, text) : undefined;
  const config = loadConfig();
  return withClient(config, (client) => runConversationCommand(client, config, action(id!, checked, parsed.values), line));
}

/** `show`, `cancel` and `retry`: one task id, then the gateway's task service. */
async function withTask(
  command: string,
  args: string[],
  options: Parameters<typeof parseCommand>[2],
  use: (tasks: TaskService, config: Readonly<DispatchConfig>, id: string, values: Record<string, unknown>, client: Client) => Promise<number>,
): Promise<number> {
  const parsed = parseCommand(command, args, options, out);
  if (!parsed) return ExitCode.done;
  const [id] = positionalsOf(command, parsed.positionals, 1, 1, 'one task id (see `opendispatch list`)');
  if (!TASK_ID_PATTERN.test(id!)) throw new UsageError(`"${id}" is not a task id; task ids look like task-1b2c…`, command);
  const config = loadConfig();
  const desktopId = await desktopOf(config);
  const { cliTaskService } = await import('./task-commands.js');
  return withClient(config, (client) => use(cliTaskService(client, config, desktopId), config, id!, parsed.values, client));
}

/**
 * The `opendispatch` command line: dispatches to a command and settles with its exit code; a
 * wrong command line is a {@link UsageError} (exit 2), never a stack trace.
 */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    const topic = command === 'help' ? rest[0] : undefined;
    if (topic !== undefined && !COMMAND_HELP[topic]) throw new UsageError(`Unknown command "${topic}".`);
    line(topic === undefined ? overview() : COMMAND_HELP[topic]!);
    return ExitCode.done;
  }
  if (command === '--version' || command === '-v') {
    const { packageVersion } = await import('./version.js');
    line(await packageVersion());
    return ExitCode.done;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) throw new UsageError(`Unknown command "${command}".`);
  return run(rest);
}

/** Prints what went wrong the way a person needs it, and says which exit code that is. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n${error.command ? `${COMMAND_HELP[error.command]}\n` : `${overview()}\n`}`);
    return ExitCode.usage;
  }
  if (error instanceof ConfigError || (error instanceof Error && error.name === 'TemporalCliNotFoundError')) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  return ExitCode.failed;
}
