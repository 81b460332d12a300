import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../common/config.js';

/**
 * Whether a server's tools wait for the person's approval: `writes` (the default) asks for every
 * tool not annotated `readOnlyHint: true`, `always` for every tool, `never` for none.
 */
export const APPROVAL_SETTINGS = ['writes', 'always', 'never'] as const;
export type ApprovalSetting = (typeof APPROVAL_SETTINGS)[number];

/** How the desktop reaches a server: a program it starts (stdio) or an address (Streamable HTTP, SSE). */
export type McpTransportSpec =
  | { kind: 'stdio'; command: string; args: string[]; env?: Record<string, string>; cwd?: string }
  /** `auto`: a `url` without `type`, as Claude Desktop writes it: Streamable HTTP, then SSE. */
  | { kind: 'http' | 'sse' | 'auto'; url: string; headers?: Record<string, string> };

/** One server of the configuration, validated. */
export interface McpServerSpec {
  name: string;
  transport: McpTransportSpec;
  approval: ApprovalSetting;
  /** Only these tools are offered, when given. */
  tools?: string[];
}

/** The MCP servers this desktop connects to, and the file that named them. */
export interface McpConfig {
  file: string;
  servers: McpServerSpec[];
}

// Our own keys, beside Claude Desktop's. Unknown keys are ignored, so a pasted entry with another
// client's extras (`disabled`, `autoApprove`, …) still loads.
const ourKeys = {
  approval: z.enum(APPROVAL_SETTINGS, { error: 'use "writes" (the default), "always" or "never"' }).optional(),
  tools: z.array(z.string().min(1, 'a tool name cannot be empty'), { error: 'use a list of tool names' }).optional(),
};
const text = z.string({ error: 'use a string' });
const textMap = z.record(z.string(), text, { error: 'use an object of strings' });

const stdioSchema = z.object({
  type: z.literal('stdio').optional(),
  command: text.min(1, 'name the program that runs the server'),
  args: z.array(text, { error: 'use a list of strings' }).optional(),
  env: textMap.optional(),
  cwd: text.min(1).optional(),
  ...ourKeys,
});

const remoteSchema = z.object({
  type: z.enum(['http', 'streamable-http', 'sse'], { error: 'use "stdio", "http" or "sse"' }).optional(),
  url: z.url({ protocol: /^https?$/, error: 'use an http:// or https:// address' }),
  headers: textMap.optional(),
  ...ourKeys,
});

const fileSchema = z.object(
  { mcpServers: z.record(z.string(), z.unknown(), { error: 'use an object whose keys name the servers' }).optional() },
  { error: 'the file must hold a JSON object like {"mcpServers": {…}}' },
);

const SERVER_NAME = /^\S.{0,63}$/u;

function expandHome(value: string): string {
  return value === '~' || value.startsWith('~/') ? path.join(os.homedir(), value.slice(1)) : value;
}

/** "field \"args.1\": use a string" for each problem zod found. */
function problemsOf(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length > 0 ? `field "${issue.path.join('.')}": ${issue.message}` : issue.message)).join('; ');
}

/** One server's entry: a program to run, or an address to connect to. */
function parseServer(file: string, name: string, raw: unknown): McpServerSpec {
  const where = `${file}: server "${name}"`;
  if (!SERVER_NAME.test(name)) throw new ConfigError(`${where}: a server's name must be 1 to 64 characters and not start with a space`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`${where}: use an object with "command" or "url"`);
  const entry = raw as Record<string, unknown>;
  const remote = entry.type === 'http' || entry.type === 'sse' || entry.type === 'streamable-http' || (entry.type === undefined && entry.url !== undefined && entry.command === undefined);
  if (!remote && entry.command === undefined && entry.type === undefined) {
    throw new ConfigError(`${where}: needs "command" (a program that runs the server) or "url" (an address to connect to)`);
  }
  const parsed = (remote ? remoteSchema : stdioSchema).safeParse(entry);
  if (!parsed.success) throw new ConfigError(`${where}: ${problemsOf(parsed.error)}`);
  const { approval = 'writes', tools } = parsed.data;
  if ('command' in parsed.data) {
    const { command, args = [], env, cwd } = parsed.data;
    const transport: McpTransportSpec = { kind: 'stdio', command: expandHome(command), args, ...(env ? { env } : {}), ...(cwd ? { cwd: path.resolve(path.dirname(file), expandHome(cwd)) } : {}) };
    return { name, transport, approval, ...(tools ? { tools } : {}) };
  }
  const { type, url, headers } = parsed.data;
  const kind = type === undefined ? 'auto' : type === 'sse' ? 'sse' : 'http';
  return { name, transport: { kind, url, ...(headers ? { headers } : {}) }, approval, ...(tools ? { tools } : {}) };
}

/**
 * Reads a configuration in Claude Desktop's format, `{"mcpServers": {"<name>": {"command", "args",
 * "env", "cwd"} | {"url", "headers"}}}`, with Claude Code's `"type"` and our `"approval"` and
 * `"tools"` keys accepted. Any problem throws a {@link ConfigError} naming the file, the server
 * and the field, so start-up stops with a message a person can act on.
 */
export function parseMcpConfig(content: string, file: string): McpConfig {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (error) {
    throw new ConfigError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(`${file}: ${problemsOf(parsed.error)}`);
  const servers = Object.entries(parsed.data.mcpServers ?? {}).map(([name, raw]) => parseServer(file, name, raw));
  return { file, servers };
}

/**
 * The configuration in `file`. A missing file means no servers, unless the person named the file
 * (DISPATCH_MCP_CONFIG): then it is a mistake to report.
 */
export function loadMcpConfig(file: string, options: { required?: boolean } = {}): McpConfig {
  if (!existsSync(file)) {
    if (options.required) throw new ConfigError(`DISPATCH_MCP_CONFIG names ${file}, which does not exist`);
    return { file, servers: [] };
  }
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${file}: cannot be read (${(error as Error).message})`);
  }
  return parseMcpConfig(content, file);
}
