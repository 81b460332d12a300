import { loadMcpConfig } from '../activities/mcp/mcp-config.js';
import { startMcpConnectors, type McpConnectors } from '../activities/mcp/mcp-connectors.js';
import type { DispatchConfig } from '../common/config.js';
import type { Logger } from '../common/logger.js';
import { writeMcpStatus } from './mcp-status-file.js';

/**
 * Starts the person's MCP servers for the desktop worker, from `$DISPATCH_HOME/mcp.json` (or
 * DISPATCH_MCP_CONFIG). A bad file, or two tools that would share a name, throws a ConfigError
 * and stops start-up; a server that cannot start is logged, reported in the status file, and
 * retried in the background while the others serve. Every change is written to the status file.
 */
export async function startDesktopMcp(config: Readonly<DispatchConfig>, logger: Logger): Promise<McpConnectors> {
  const mcpConfig = loadMcpConfig(config.mcp.configFile, { required: config.mcp.required });
  const seen = new Map<string, string>();
  const connectors = await startMcpConnectors({
    config: mcpConfig,
    onStatus: (report) => writeMcpStatus(config.home, report),
    onServerChange(server, state, error) {
      if (seen.get(server) === state) return;
      seen.set(server, state);
      if (state === 'down') logger.warn('MCP server down', { server, error });
      else if (state === 'running') logger.info('MCP server running', { server });
    },
  });
  const running = connectors.status().servers.filter((server) => server.state === 'running').length;
  if (mcpConfig.servers.length > 0) logger.info('MCP servers started', { configFile: mcpConfig.file, running, configured: mcpConfig.servers.length });
  return connectors;
}
