/**
 * How an MCP server's tool is named to the model: `mcp__<server>__<tool>`, fitted to the Messages
 * API's custom tool names (`^[a-zA-Z0-9_-]{1,64}$`). Pure and deterministic: the desktop builds
 * the names when it declares the tools, and the workflow reads them back to describe a call.
 */

/** Every MCP tool's name starts with this; no other tool's does. */
export const MCP_TOOL_PREFIX = 'mcp__';

/** The longest name the API takes for a custom tool. */
export const MAX_TOOL_NAME = 64;

const HASH_LENGTH = 8;

/** Characters the API refuses in a name become `_`; an empty part becomes `_` too. */
function sanitize(part: string): string {
  const cleaned = part.replace(/[^a-zA-Z0-9_-]/g, '_');
  return cleaned === '' ? '_' : cleaned;
}

/** FNV-1a over UTF-16 code units, as 8 hex digits: short, stable, and free of Node built-ins. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(HASH_LENGTH, '0');
}

/**
 * The name the model calls a server's tool by. Characters outside `[a-zA-Z0-9_-]` become `_`;
 * a name longer than 64 characters keeps its first 55 and ends in `_` and a hash of the original
 * server and tool names, so two long names that share a beginning still differ.
 */
export function fitToolName(server: string, tool: string): string {
  const plain = `${MCP_TOOL_PREFIX}${sanitize(server)}__${sanitize(tool)}`;
  if (plain.length <= MAX_TOOL_NAME) return plain;
  return `${plain.slice(0, MAX_TOOL_NAME - HASH_LENGTH - 1)}_${shortHash(`${server}\u0000${tool}`)}`;
}

/** Whether a tool name is an MCP tool's. */
export function isMcpToolName(name: string): boolean {
  return name.startsWith(MCP_TOOL_PREFIX) && name.length > MCP_TOOL_PREFIX.length;
}

/**
 * The server and tool parts of an MCP tool's name, as a person reads them on the phone. A name
 * shortened with a hash reads as its shortened self; a server name with `__` in it splits early.
 */
export function splitToolName(name: string): { server: string; tool: string } {
  const rest = name.slice(MCP_TOOL_PREFIX.length);
  const split = rest.indexOf('__');
  return split <= 0 ? { server: rest, tool: rest } : { server: rest.slice(0, split), tool: rest.slice(split + 2) };
}

/** One tool of one server and the name it would be offered under. */
export interface NamedTool {
  server: string;
  tool: string;
  name: string;
}

/**
 * Every pair of tools that would be offered under the same name, as sentences a person can act
 * on (rename a server in the config, or leave a tool out with `"tools"`). Empty when all differ.
 */
export function nameCollisions(tools: readonly NamedTool[]): string[] {
  const byName = new Map<string, NamedTool>();
  const problems: string[] = [];
  for (const entry of tools) {
    const earlier = byName.get(entry.name);
    if (earlier) {
      problems.push(
        `server "${earlier.server}" tool "${earlier.tool}" and server "${entry.server}" tool "${entry.tool}" would both be offered as "${entry.name}"`,
      );
    } else byName.set(entry.name, entry);
  }
  return problems;
}
