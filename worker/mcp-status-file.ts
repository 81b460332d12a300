import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomicSync } from '../common/atomic-file.js';
import { mcpStatusSchema, type McpStatusReport } from '../common/mcp-status.js';

const FILE = 'mcp-servers.json';

/** Where the worker reports its MCP servers, in the data folder. */
export function mcpStatusFile(home: string): string {
  return path.join(home, FILE);
}

/**
 * The worker runs in its own process; it leaves its MCP servers' state in the data folder so the
 * setup page and `opendispatch mcp list` can show it. Best effort: a failed write only leaves
 * them less informed. Private to the person: it names their servers and tools.
 */
export function writeMcpStatus(home: string, report: McpStatusReport): void {
  try {
    writeFileAtomicSync(mcpStatusFile(home), JSON.stringify(report, null, 2), { durable: false, mode: 0o600 });
  } catch {
    // The data folder is written elsewhere too; a problem there shows up louder than here.
  }
}

/** The worker's last report, or undefined before its first (or if the file is unreadable). */
export function readMcpStatus(home: string): McpStatusReport | undefined {
  try {
    const parsed = mcpStatusSchema.safeParse(JSON.parse(readFileSync(mcpStatusFile(home), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
