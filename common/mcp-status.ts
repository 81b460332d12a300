import { z } from 'zod';

/** Where a server is: being started, serving tools, down (retried with back-off), or shut down with the worker. */
export const MCP_SERVER_STATES = ['starting', 'running', 'down', 'stopped'] as const;

const toolStatusSchema = z.object({
  /** The server's own name for the tool. */
  name: z.string(),
  /** The name the model calls it by (`mcp__<server>__<tool>`); absent when it is not offered. */
  offeredAs: z.string().optional(),
  readOnly: z.boolean(),
  /** The person approves each call. */
  approval: z.boolean(),
  /** A failed attempt may be run again (read-only or idempotent). */
  retrySafe: z.boolean(),
});

const serverStatusSchema = z.object({
  name: z.string(),
  transport: z.enum(['stdio', 'http', 'sse']),
  state: z.enum(MCP_SERVER_STATES),
  /** When it entered this state, ISO 8601. */
  since: z.string(),
  /** The server's process, for a server this desktop runs. */
  pid: z.number().int().optional(),
  /** Why it is down (or the last thing that went wrong), in words a person can act on. */
  error: z.string().optional(),
  /** How many times it was started again after the first attempt. */
  restarts: z.number().int().min(0),
  tools: z.array(toolStatusSchema),
});

/**
 * What the desktop worker reports about its MCP servers, written to `$DISPATCH_HOME/mcp-servers.json`
 * at every change so the setup page and `opendispatch mcp list` (other processes) can show it.
 */
export const mcpStatusSchema = z.object({
  updatedAt: z.string(),
  configFile: z.string(),
  servers: z.array(serverStatusSchema),
});

export type McpStatusReport = z.infer<typeof mcpStatusSchema>;
export type McpServerStatus = z.infer<typeof serverStatusSchema>;
export type McpToolStatus = z.infer<typeof toolStatusSchema>;

/** "running, pid 4242, 9 tools" or "down: the server stopped (…)": one server's state as a person reads it. */
export function describeServerState(server: McpServerStatus): string {
  const parts = [server.state === 'down' ? `down: ${server.error ?? 'unknown reason'}` : server.state];
  if (server.pid !== undefined && server.state === 'running') parts.push(`pid ${server.pid}`);
  if (server.restarts > 0) parts.push(`restarted ${server.restarts} time${server.restarts === 1 ? '' : 's'}`);
  const offered = server.tools.filter((tool) => tool.offeredAs !== undefined).length;
  parts.push(`${offered} tool${offered === 1 ? '' : 's'}`);
  if (server.state !== 'down' && server.error) parts.push(`note: ${server.error}`);
  return parts.join(', ');
}

/** How a tool is run, as a person reads it: "asks first", "read-only", "runs freely". */
export function describeToolPolicy(tool: McpToolStatus): string {
  if (tool.offeredAs === undefined) return 'not offered';
  const kind = tool.readOnly ? 'read-only' : 'may change things';
  return `${kind}, ${tool.approval ? 'asks you first' : 'runs without asking'}`;
}

/**
 * The report as plain text, the same for `opendispatch mcp list` and anyone who reads logs:
 * one line per server, then one per tool.
 */
export function formatMcpStatus(report: McpStatusReport): string {
  if (report.servers.length === 0) return `No MCP servers are configured (${report.configFile}).\n`;
  const lines = [`MCP servers from ${report.configFile}, as the desktop worker reported at ${report.updatedAt}:`];
  for (const server of report.servers) {
    lines.push(`  ${server.name} (${server.transport}): ${describeServerState(server)}`);
    const width = Math.max(0, ...server.tools.map((tool) => (tool.offeredAs ?? tool.name).length));
    for (const tool of server.tools) lines.push(`    ${(tool.offeredAs ?? tool.name).padEnd(width)}  ${describeToolPolicy(tool)}`);
  }
  return `${lines.join('\n')}\n`;
}
