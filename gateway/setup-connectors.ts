import { describeServerState, describeToolPolicy, type McpStatusReport } from '../common/mcp-status.js';
import { escapeHtml as escape } from './html.js';

/**
 * The setup page's "Connectors" section: each MCP server with its state and its tools, from the
 * report the desktop worker writes (`$DISPATCH_HOME/mcp-servers.json`), the same data as
 * `opendispatch mcp list`. Every name and message is the person's or a server's text, so all of
 * it is escaped.
 */
export function renderConnectorsSection(report: McpStatusReport | undefined): string {
  const heading = '<h2>Connectors (MCP servers)</h2>';
  if (!report) {
    return `${heading}\n<p class="muted">The desktop worker has not reported on MCP servers yet. Servers are configured in <code>mcp.json</code> in the data folder, as for Claude Desktop.</p>`;
  }
  if (report.servers.length === 0) {
    return `${heading}\n<p class="muted">None configured. Add servers to <code>${escape(report.configFile)}</code> (<code>{"mcpServers": {…}}</code>, as for Claude Desktop).</p>`;
  }
  const rows = report.servers.map((server) => {
    const tools = server.tools.length === 0
      ? '<span class="muted">no tools</span>'
      : `<ul>${server.tools.map((tool) => `<li><code>${escape(tool.offeredAs ?? tool.name)}</code> <span class="muted">${escape(describeToolPolicy(tool))}</span></li>`).join('')}</ul>`;
    const state = escape(describeServerState(server));
    return `<tr><td>${escape(server.name)}</td><td>${escape(server.transport)}</td><td${server.state === 'down' ? ' class="danger"' : ''}>${state}</td><td>${tools}</td></tr>`;
  });
  return `${heading}
<p class="muted">From <code>${escape(report.configFile)}</code>, as reported at ${escape(report.updatedAt)}.</p>
<table><thead><tr><th>Server</th><th>Transport</th><th>State</th><th>Tools</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`;
}
