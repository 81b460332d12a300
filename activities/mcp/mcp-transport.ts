import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpTransportSpec } from './mcp-config.js';

/** Who the desktop says it is to every server. */
const CLIENT_INFO = { name: 'opendispatch', version: '0.1.0' };
/** The last part of a server's standard error kept, to say why it stopped. */
const STDERR_KEPT = 2_000;

/** One live session with a server: its client, its tools and (for stdio) its process. */
export interface McpSession {
  client: Client;
  /** The transport in use (a bare `url` may have ended up on SSE). */
  transport: 'stdio' | 'http' | 'sse';
  tools: Tool[];
  /** The server's process id, for a server this desktop started. */
  pid?: number;
  /** The newest lines the server wrote to its standard error, or ''. */
  stderrTail(): string;
}

/** The transport a spec asks for. Stdio servers get the SDK's safe default environment plus their own `env`, never the worker's secrets. */
function transportFor(spec: McpTransportSpec, kind: 'stdio' | 'http' | 'sse', onStderr: (chunk: Buffer) => void): Transport {
  if (spec.kind === 'stdio') {
    const transport = new StdioClientTransport({ command: spec.command, args: spec.args, env: spec.env, cwd: spec.cwd, stderr: 'pipe' });
    // Read always: a server whose standard error nobody drains blocks once the pipe is full.
    transport.stderr?.on('data', onStderr);
    return transport;
  }
  const requestInit = spec.headers ? { headers: spec.headers } : undefined;
  return kind === 'sse' ? new SSEClientTransport(new URL(spec.url), { requestInit }) : new StreamableHTTPClientTransport(new URL(spec.url), { requestInit });
}

/** Every tool the server lists, page by page. */
async function listAllTools(client: Client, timeoutMs: number): Promise<Tool[]> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor === undefined ? undefined : { cursor }, { timeout: timeoutMs });
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor !== undefined && tools.length < 10_000);
  return tools;
}

/** One attempt over one transport kind; the client is closed again if it fails half-way. */
async function openWith(spec: McpTransportSpec, kind: 'stdio' | 'http' | 'sse', timeoutMs: number): Promise<McpSession> {
  let stderr = '';
  const transport = transportFor(spec, kind, (chunk) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEPT);
  });
  const client = new Client(CLIENT_INFO, { capabilities: {} });
  try {
    await client.connect(transport, { timeout: timeoutMs });
    const tools = await listAllTools(client, timeoutMs);
    const pid = transport instanceof StdioClientTransport ? (transport.pid ?? undefined) : undefined;
    return { client, transport: kind, tools, ...(pid !== undefined ? { pid } : {}), stderrTail: () => stderr.trim() };
  } catch (error) {
    await client.close().catch(() => undefined);
    const said = stderr.trim().split('\n').at(-1);
    throw new Error(`${(error as Error).message}${said ? ` (the server said: ${said.slice(0, 300)})` : ''}`, { cause: error });
  }
}

/**
 * Starts (stdio) or connects to (HTTP) a server, initializes the MCP session and lists its tools,
 * within `timeoutMs`. A `url` without a `type` is tried as Streamable HTTP first and, if that
 * fails, as SSE, as the MCP specification advises for servers of either age.
 */
export async function openSession(spec: McpTransportSpec, timeoutMs: number): Promise<McpSession> {
  if (spec.kind !== 'auto') return openWith(spec, spec.kind, timeoutMs);
  try {
    return await openWith(spec, 'http', timeoutMs);
  } catch (streamable) {
    try {
      return await openWith(spec, 'sse', timeoutMs);
    } catch {
      throw streamable;
    }
  }
}
