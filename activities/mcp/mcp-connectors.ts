import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { ConfigError } from '../../common/config.js';
import type { ToolCall, ToolCallPolicy } from '../../common/contract.js';
import { fitToolName, isMcpToolName, nameCollisions, type NamedTool } from '../../common/mcp-tool-names.js';
import type { McpStatusReport, McpToolStatus } from '../../common/mcp-status.js';
import type { McpConfig, McpServerSpec } from './mcp-config.js';
import { startMcpServer, type McpServer, type McpServerTimings } from './mcp-server.js';

/** One tool the model is offered: which server answers it, and how it may be run. */
export interface McpToolEntry {
  /** The name the model calls it by. */
  name: string;
  server: McpServer;
  /** The server's own name for it. */
  tool: string;
  readOnly: boolean;
  policy: Required<ToolCallPolicy>;
  /** Its entry in the request's `tools`: a custom tool with the server's input schema. */
  declaration: Record<string, unknown>;
}

/** The MCP servers of a desktop as the activities use them. */
export interface McpConnectors {
  /** Every offered tool's declaration, sorted by name; the same array (so the same bytes) until a server's tools change. */
  declarations(): ReadonlyArray<Record<string, unknown>>;
  /** `{approval, retrySafe}` for an MCP tool the desktop offers; undefined for any other call. */
  policyFor(call: ToolCall): ToolCallPolicy | undefined;
  find(name: string): McpToolEntry | undefined;
  status(): McpStatusReport;
  /** Stops every server this desktop started and closes every connection. */
  close(): Promise<void>;
}

export interface McpConnectorOptions {
  config: McpConfig;
  /** Hears every change of a server's state or tools (the worker writes the status file). */
  onStatus?: (report: McpStatusReport) => void;
  /** Told when a server goes down or comes back, for the log. */
  onServerChange?: (server: string, state: string, error?: string) => void;
  timings?: McpServerTimings;
}

/** How a tool of a server is run: annotations decide, the server's `approval` setting has the last word. */
export function policyOf(spec: McpServerSpec, tool: Tool): { readOnly: boolean; policy: Required<ToolCallPolicy> } {
  const readOnly = tool.annotations?.readOnlyHint === true;
  const approval = spec.approval === 'always' ? true : spec.approval === 'never' ? false : !readOnly;
  return { readOnly, policy: { approval, retrySafe: readOnly || tool.annotations?.idempotentHint === true } };
}

/** A tool as a custom tool of the Messages API: name, description and the server's input schema. */
function declarationOf(name: string, server: string, tool: Tool): Record<string, unknown> {
  const description = tool.description ?? tool.title ?? tool.annotations?.title ?? `The ${tool.name} tool of the ${server} MCP server.`;
  return { name, description, input_schema: { ...tool.inputSchema, type: 'object' } };
}

/**
 * Starts every configured server and waits for each first attempt (a server that fails is
 * reported and retried in the background; the others carry on). Two tools that would be offered
 * under one name stop start-up with a {@link ConfigError}; a server that comes up later with a
 * clashing name has those tools left out, and its status says why.
 */
export async function startMcpConnectors(options: McpConnectorOptions): Promise<McpConnectors> {
  const { config } = options;
  let entries = new Map<string, McpToolEntry>();
  let declarations: ReadonlyArray<Record<string, unknown>> = [];
  const clashes = new Map<string, string>();
  let ready = false;
  const servers: McpServer[] = [];

  /** The name table from every server's newest tools, earlier servers first on a clash. */
  const rebuild = (): string[] => {
    const next = new Map<string, McpToolEntry>();
    const problems: string[] = [];
    clashes.clear();
    for (const server of servers) {
      for (const tool of server.tools() ?? []) {
        const name = fitToolName(server.spec.name, tool.name);
        const taken = next.get(name);
        if (taken) {
          const [problem] = nameCollisions([{ server: taken.server.spec.name, tool: taken.tool, name }, { server: server.spec.name, tool: tool.name, name }] satisfies NamedTool[]);
          problems.push(problem!);
          clashes.set(server.spec.name, `left out: ${problem}`);
          continue;
        }
        next.set(name, { name, server, tool: tool.name, ...policyOf(server.spec, tool), declaration: declarationOf(name, server.spec.name, tool) });
      }
    }
    const sorted = [...next.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((entry) => entry.declaration);
    if (JSON.stringify(sorted) !== JSON.stringify(declarations)) declarations = Object.freeze(sorted);
    entries = next;
    return problems;
  };

  const status = (): McpStatusReport => ({
    updatedAt: new Date().toISOString(),
    configFile: config.file,
    servers: servers.map((server) => {
      const state = server.status();
      const clash = clashes.get(server.spec.name);
      const tools: McpToolStatus[] = (server.tools() ?? []).map((tool) => {
        const name = fitToolName(server.spec.name, tool.name);
        const offered = entries.get(name)?.server === server;
        return { name: tool.name, ...(offered ? { offeredAs: name } : {}), ...policyOf(server.spec, tool).policy, readOnly: tool.annotations?.readOnlyHint === true };
      });
      return { ...state, ...(clash && state.error === undefined ? { error: clash } : {}), tools };
    }),
  });

  const changed = (server: McpServer): void => {
    if (ready) rebuild();
    const state = server.status();
    options.onServerChange?.(server.spec.name, state.state, state.error);
    options.onStatus?.(status());
  };

  for (const spec of config.servers) {
    const server: McpServer = startMcpServer(spec, () => changed(server), options.timings);
    servers.push(server);
  }
  await Promise.all(servers.map((server) => server.started));
  ready = true;
  const problems = rebuild();
  options.onStatus?.(status());
  const close = async (): Promise<void> => {
    await Promise.all(servers.map((server) => server.close()));
  };
  if (problems.length > 0) {
    await close();
    throw new ConfigError(`${config.file}: two MCP tools would be offered under the same name: ${problems.join('; ')}. Rename a server, or leave a tool out with "tools".`);
  }

  return {
    declarations: () => declarations,
    policyFor: (call) => {
      const entry = call.toolsetName === undefined && isMcpToolName(call.name) ? entries.get(call.name) : undefined;
      return entry ? { ...entry.policy } : undefined;
    },
    find: (name) => entries.get(name),
    status,
    close,
  };
}
