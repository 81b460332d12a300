import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { DESKTOP_ID_PATTERN } from './desktop-id.js';
import { DEFAULT_MAX_STEPS } from './contract.js';
import { COMPUTER_DIALECTS, DEFAULT_MODEL, MODEL_ID_PATTERN, type ComputerDialect } from './models.js';
import { parsePushConfig, type PushConfig } from './push-config.js';

/** The model used when DISPATCH_MODEL is unset; the model table owns it, this re-export keeps old imports working. */
export { DEFAULT_MODEL };

/** Days a finished task's screenshots, transcript and journal are kept: a month to look back, then the disk is freed. */
export const DEFAULT_RETENTION_DAYS = 30;

/** How long a task may run before it ends with reason `timed_out`: long enough for 60 slow steps. */
export const DEFAULT_TASK_TIMEOUT_SECONDS = 2 * 3600;

/** "90m", "2h", "45s" or plain seconds, in seconds. */
function parseDurationSeconds(text: string): number {
  const [, amount, unit] = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text)!;
  const scale = { '': 1, s: 1, m: 60, min: 60, h: 3600 }[unit!.toLowerCase()] ?? 1;
  return Math.round(Number(amount) * scale);
}

const port = z.coerce.number().int().min(1).max(65_535);
const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/** A duration: "90m", "2h", "45s" or plain seconds, from 10 s to 30 days, in seconds. */
const duration = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?\s*(s|m|min|h)?$/i, 'use a duration such as 90m, 2h or 3600 (seconds)')
  .transform((text) => parseDurationSeconds(text))
  .refine((seconds) => seconds >= 10 && seconds <= 30 * 24 * 3600, 'use a duration from 10 s to 30 days');

/**
 * Every setting OpenDispatch reads from the environment, validated once at start-up. Temporal
 * settings use Temporal's own variable names so existing Temporal tooling and docs apply.
 */
const environmentSchema = z.object({
  DISPATCH_HOME: optionalText,
  DISPATCH_ROOTS: optionalText,
  DISPATCH_DESKTOP_ID: z
    .string()
    .trim()
    .regex(DESKTOP_ID_PATTERN, 'use letters, digits, dot, dash or underscore (at most 63)')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  DISPATCH_DESKTOP_NAME: optionalText.pipe(z.string().max(64, 'use at most 64 characters').optional()),
  DISPATCH_MODEL: optionalText.pipe(z.string().regex(MODEL_ID_PATTERN, `use a Claude model id such as ${DEFAULT_MODEL}`).optional()),
  DISPATCH_MAX_STEPS: z.coerce.number().int().min(1).max(10_000).optional(),
  DISPATCH_TASK_TIMEOUT: duration.optional(),
  DISPATCH_ASK_TIMEOUT: duration.optional(),
  DISPATCH_APPROVAL_TIMEOUT: duration.optional(),
  DISPATCH_SCHEDULE_CATCHUP: duration.optional(),
  DISPATCH_MAX_PARALLEL: z.coerce.number().int().min(1).max(64).optional(),
  DISPATCH_MONITOR: optionalText.pipe(
    z
      .string()
      .regex(/^([A-Za-z0-9_.-]{1,64}|\d+x\d+\+\d+\+\d+)$/, "use a monitor's name or index (xrandr --listmonitors) or a region WxH+X+Y")
      .optional(),
  ),
  DISPATCH_APPROVE: optionalText.pipe(
    z
      .string()
      .regex(/^[a-z][a-z0-9_-]{0,63}(\s*,\s*[a-z][a-z0-9_-]{0,63})*$/i, 'use tool or action names separated by commas, e.g. type,key')
      .transform((list) => list.split(',').map((name) => name.trim()))
      .optional(),
  ),
  DISPATCH_COMPUTER_TOOL: z.enum(COMPUTER_DIALECTS).optional(),
  DISPATCH_REDACT_TYPING: z.enum(['true', 'false', '1', '0', '']).optional(),
  DISPATCH_RETENTION_DAYS: optionalText.pipe(
    z.string().regex(/^\d{1,5}$/, 'use a whole number of days (0 keeps everything)').transform(Number).optional(),
  ),
  DISPATCH_BROWSER: optionalText,
  DISPATCH_MCP_CONFIG: optionalText,
  DISPATCH_BROWSER_HEADLESS: z
    .enum(['true', 'false', '1', '0'], { error: 'use true (the agent\'s browser is invisible) or false (it opens a window)' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
  DISPATCH_TEMPORAL_PORT: port.default(7233),
  DISPATCH_TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_ADDRESS: optionalText,
  TEMPORAL_NAMESPACE: optionalText,
  TEMPORAL_API_KEY: optionalText,
  TEMPORAL_TLS: z.enum(['true', 'false', '1', '0']).optional(),
  TEMPORAL_TLS_CLIENT_CERT_PATH: optionalText,
  TEMPORAL_TLS_CLIENT_KEY_PATH: optionalText,
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: optionalText,
  TEMPORAL_TLS_SERVER_NAME: optionalText,
  TEMPORAL_CLI: optionalText,
  DISPATCH_PORT: port.default(8787),
  DISPATCH_SETUP_PORT: port.default(8786),
  DISPATCH_HOST: optionalText,
  DISPATCH_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'use an http:// or https:// address the phone can open' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
  ANTHROPIC_API_KEY: optionalText,
  ANTHROPIC_BASE_URL: optionalText,
  DISPLAY: optionalText,
});

export interface TemporalTlsConfig {
  clientCertPath?: string;
  clientKeyPath?: string;
  serverCaCertPath?: string;
  serverName?: string;
}

/** Where Temporal is: the embedded dev server this process starts, or an external cluster. */
export type TemporalTarget =
  | { kind: 'embedded'; address: string; port: number; uiPort: number; namespace: string; databaseFile: string }
  | { kind: 'external'; address: string; namespace: string; apiKey?: string; tls?: TemporalTlsConfig | true };

export interface DispatchConfig {
  home: string;
  roots: string[];
  /** Stable across restarts; names the desktop's task queue. Absent: derived by `resolveDesktopId`. */
  desktopId?: string;
  /** DISPATCH_DESKTOP_NAME: what phones call this desktop; absent: the host name. */
  desktopName?: string;
  model: string;
  maxSteps: number;
  /** DISPATCH_TASK_TIMEOUT: a task still running this long after it was given ends with reason `timed_out`. */
  taskTimeoutSeconds: number;
  /** DISPATCH_ASK_TIMEOUT: how long a question waits for the person's answer. */
  askTimeoutSeconds: number;
  /** DISPATCH_APPROVAL_TIMEOUT: how long an action waits for approval before it counts as declined. */
  approvalTimeoutSeconds: number;
  /** DISPATCH_APPROVE: actions and tools that wait for the person's approval before each call. */
  approve: string[];
  /** DISPATCH_MONITOR: the monitor the agent sees and drives (a name, an index or WxH+X+Y); absent: the primary one. */
  monitor?: string;
  /** DISPATCH_MAX_PARALLEL: at most this many tasks work on this desktop at once; the rest wait their turn. */
  maxParallel: number;
  /** DISPATCH_SCHEDULE_CATCHUP: runs missed while the desktop slept run once when it wakes, if they were due within this. */
  scheduleCatchupSeconds: number;
  /** DISPATCH_REDACT_TYPING: the task timeline leaves out what was typed. */
  redactTyping: boolean;
  /** DISPATCH_COMPUTER_TOOL: the computer-use dialect for a model the table in common/models.ts gets wrong. */
  computerToolOverride?: ComputerDialect;
  /**
   * DISPATCH_RETENTION_DAYS: screenshots, transcripts and file-tool journal entries of tasks that
   * ended longer ago than this are deleted by the worker (see worker/retention-sweeper.ts). 0 keeps
   * everything.
   */
  retentionDays: number;
  temporal: TemporalTarget;
  temporalCli?: string;
  anthropic: { apiKey?: string; baseURL?: string };
  /** The agent's own web browser, driven by the browser toolset. */
  browser: {
    /** DISPATCH_BROWSER: a Chromium-family executable (a path, or a name on PATH); absent means the first one found. */
    executable?: string;
    /** DISPATCH_BROWSER_HEADLESS: false shows the agent's browser window on the desktop. */
    headless: boolean;
  };
  /** MCP servers whose tools the agent may use: DISPATCH_MCP_CONFIG, else `$DISPATCH_HOME/mcp.json` (see activities/mcp/mcp-config.ts). */
  mcp: {
    configFile: string;
    /** Named by DISPATCH_MCP_CONFIG, so it must exist; the default file may be absent (no servers). */
    required: boolean;
  };
  display?: string;
  gateway: {
    port: number;
    /** Interface to listen on; undefined means all interfaces. */
    host?: string;
    /** The address the QR code sends phones to; derived from the LAN address when unset. */
    publicUrl?: string;
    /**
     * DISPATCH_SETUP_PORT: the setup page, the QR code image and new pairing codes, on a listener
     * of their own bound to 127.0.0.1, never to DISPATCH_HOST: a tunnel to the phone's port
     * cannot reach them.
     */
    setupPort: number;
  };
  paths: {
    blobs: string;
    journal: string;
    trash: string;
    logs: string;
    bin: string;
    devices: string;
    /** The agent browser's profile (cookies, sign-ins); `opendispatch browser` opens it for the person. */
    browserProfile: string;
  };
  /** Notifications: Web Push (DISPATCH_PUSH_ORIGINS, DISPATCH_PUSH_SUBJECT) and ntfy (DISPATCH_NTFY_URL, DISPATCH_NTFY_TOKEN). */
  push: PushConfig;
}

/** A configuration problem a person must fix before OpenDispatch can start. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function expandHome(value: string): string {
  return value === '~' || value.startsWith('~/') ? path.join(os.homedir(), value.slice(1)) : value;
}

/**
 * Parses the environment into a frozen configuration. Misconfiguration fails here, at start-up,
 * with every offending variable named, not later in the middle of a task.
 */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Readonly<DispatchConfig> {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const env = parsed.data;
  const home = path.resolve(expandHome(env.DISPATCH_HOME ?? '~/.opendispatch'));
  const push = parsePushConfig(environment, home, env.DISPATCH_PUBLIC_URL);
  if (!push.config) throw new ConfigError(`Invalid configuration:\n  ${push.problems.join('\n  ')}`);
  const roots = (env.DISPATCH_ROOTS ?? path.join(home, 'files'))
    .split(path.delimiter)
    .map((root) => root.trim())
    .filter((root) => root !== '')
    .map((root) => path.resolve(expandHome(root)));
  if (roots.length === 0) throw new ConfigError('DISPATCH_ROOTS names no folder');

  const namespace = env.TEMPORAL_NAMESPACE ?? 'default';
  const tlsFiles: TemporalTlsConfig = {
    clientCertPath: env.TEMPORAL_TLS_CLIENT_CERT_PATH,
    clientKeyPath: env.TEMPORAL_TLS_CLIENT_KEY_PATH,
    serverCaCertPath: env.TEMPORAL_TLS_SERVER_CA_CERT_PATH,
    serverName: env.TEMPORAL_TLS_SERVER_NAME,
  };
  const anyTlsFile = Object.values(tlsFiles).some((value) => value !== undefined);
  if (Boolean(tlsFiles.clientCertPath) !== Boolean(tlsFiles.clientKeyPath)) {
    throw new ConfigError('TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH go together');
  }
  const tlsWanted = env.TEMPORAL_TLS === 'true' || env.TEMPORAL_TLS === '1' || anyTlsFile || Boolean(env.TEMPORAL_API_KEY);
  const tlsRefused = env.TEMPORAL_TLS === 'false' || env.TEMPORAL_TLS === '0';

  const temporal: TemporalTarget = env.TEMPORAL_ADDRESS
    ? {
        kind: 'external',
        address: env.TEMPORAL_ADDRESS,
        namespace,
        apiKey: env.TEMPORAL_API_KEY,
        tls: tlsRefused || !tlsWanted ? undefined : anyTlsFile ? tlsFiles : true,
      }
    : {
        kind: 'embedded',
        address: `127.0.0.1:${env.DISPATCH_TEMPORAL_PORT}`,
        port: env.DISPATCH_TEMPORAL_PORT,
        uiPort: env.DISPATCH_TEMPORAL_UI_PORT,
        namespace,
        databaseFile: path.join(home, 'temporal.sqlite'),
      };
  if (temporal.kind === 'embedded' && new Set([temporal.port, temporal.uiPort, env.DISPATCH_PORT]).size < 3) {
    throw new ConfigError('DISPATCH_TEMPORAL_PORT, DISPATCH_TEMPORAL_UI_PORT and DISPATCH_PORT must all differ');
  }
  const taken = temporal.kind === 'embedded' ? [env.DISPATCH_PORT, temporal.port, temporal.uiPort] : [env.DISPATCH_PORT];
  if (taken.includes(env.DISPATCH_SETUP_PORT)) {
    throw new ConfigError('DISPATCH_SETUP_PORT must differ from DISPATCH_PORT and the embedded Temporal ports');
  }

  return Object.freeze({
    home,
    roots,
    desktopId: env.DISPATCH_DESKTOP_ID,
    ...(env.DISPATCH_DESKTOP_NAME ? { desktopName: env.DISPATCH_DESKTOP_NAME } : {}),
    model: env.DISPATCH_MODEL ?? DEFAULT_MODEL,
    maxSteps: env.DISPATCH_MAX_STEPS ?? DEFAULT_MAX_STEPS,
    taskTimeoutSeconds: env.DISPATCH_TASK_TIMEOUT ?? DEFAULT_TASK_TIMEOUT_SECONDS,
    askTimeoutSeconds: env.DISPATCH_ASK_TIMEOUT ?? 24 * 3600,
    approvalTimeoutSeconds: env.DISPATCH_APPROVAL_TIMEOUT ?? 30 * 60,
    approve: env.DISPATCH_APPROVE ?? [],
    redactTyping: env.DISPATCH_REDACT_TYPING === 'true' || env.DISPATCH_REDACT_TYPING === '1',
    scheduleCatchupSeconds: env.DISPATCH_SCHEDULE_CATCHUP ?? 6 * 3600,
    maxParallel: env.DISPATCH_MAX_PARALLEL ?? 4,
    ...(env.DISPATCH_MONITOR ? { monitor: env.DISPATCH_MONITOR } : {}),
    computerToolOverride: env.DISPATCH_COMPUTER_TOOL,
    retentionDays: env.DISPATCH_RETENTION_DAYS ?? DEFAULT_RETENTION_DAYS,
    temporal,
    temporalCli: env.TEMPORAL_CLI,
    anthropic: { apiKey: env.ANTHROPIC_API_KEY, baseURL: env.ANTHROPIC_BASE_URL },
    browser: {
      // A bare name (`google-chrome`) is looked up on PATH when the browser starts; a path is made absolute.
      executable: env.DISPATCH_BROWSER === undefined || !/[\\/~]/.test(env.DISPATCH_BROWSER) ? env.DISPATCH_BROWSER : path.resolve(expandHome(env.DISPATCH_BROWSER)),
      headless: env.DISPATCH_BROWSER_HEADLESS !== 'false' && env.DISPATCH_BROWSER_HEADLESS !== '0',
    },
    mcp: {
      configFile: env.DISPATCH_MCP_CONFIG === undefined ? path.join(home, 'mcp.json') : path.resolve(expandHome(env.DISPATCH_MCP_CONFIG)),
      required: env.DISPATCH_MCP_CONFIG !== undefined,
    },
    display: env.DISPLAY,
    gateway: { port: env.DISPATCH_PORT, host: env.DISPATCH_HOST, publicUrl: env.DISPATCH_PUBLIC_URL?.replace(/\/+$/, ''), setupPort: env.DISPATCH_SETUP_PORT },
    paths: {
      blobs: path.join(home, 'blobs'),
      journal: path.join(home, 'journal'),
      trash: path.join(home, 'trash'),
      logs: path.join(home, 'logs'),
      bin: path.join(home, 'bin'),
      devices: path.join(home, 'devices.json'),
      browserProfile: path.join(home, 'browser'),
    },
    push: push.config,
  });
}
