import { loadMcpConfig } from '../activities/mcp/mcp-config.js';
import type { DispatchConfig } from '../common/config.js';
import { formatMcpStatus } from '../common/mcp-status.js';
import { readMcpStatus } from '../worker/mcp-status-file.js';

/** Exit codes, from sysexits.h. */
const EX_USAGE = 64;

/** The command's help, in the form of the CLI's other commands (cli/usage.ts). */
export const MCP_USAGE = `opendispatch mcp list
  Lists the MCP servers (connectors), their state and their tools.
  From mcp.json and the desktop worker's last report; the setup page shows the same.`;

/**
 * `opendispatch mcp list`: the person's MCP servers as the desktop worker last reported them
 * (state, process, tools and how each runs), the same report the setup page shows. The
 * configuration is read first, so a mistake in it is reported here too, with the file, the
 * server and the field named. Before the worker has reported, the configured servers are listed.
 */
export function runMcpCommand(config: Readonly<DispatchConfig>, args: string[], write: (text: string) => void): number {
  if (args.length !== 1 || args[0] !== 'list') {
    write(`${MCP_USAGE}\n`);
    return EX_USAGE;
  }
  const configured = loadMcpConfig(config.mcp.configFile, { required: config.mcp.required });
  const report = readMcpStatus(config.home);
  if (report && report.configFile === configured.file) {
    write(formatMcpStatus(report));
    const reported = new Set(report.servers.map((server) => server.name));
    const added = configured.servers.filter((server) => !reported.has(server.name)).map((server) => server.name);
    if (added.length > 0) write(`Configured since the worker started (restart OpenDispatch to use them): ${added.join(', ')}\n`);
    return 0;
  }
  if (configured.servers.length === 0) {
    write(`No MCP servers are configured. Put them in ${configured.file} ({"mcpServers": {…}}, as for Claude Desktop).\n`);
    return 0;
  }
  write(`MCP servers in ${configured.file}; the desktop worker has not reported on them yet (is OpenDispatch running?):\n`);
  for (const server of configured.servers) {
    const where = server.transport.kind === 'stdio' ? `stdio: ${server.transport.command}` : `${server.transport.kind}: ${new URL(server.transport.url).origin}`;
    write(`  ${server.name} (${where}), approval: ${server.approval}${server.tools ? `, tools: ${server.tools.join(', ')}` : ''}\n`);
  }
  return 0;
}
