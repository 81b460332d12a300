import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { ErrorType, interruptedBeforeReport, type ToolResultRecord } from '../../common/contract.js';
import { currentActivity, whileHeartbeating } from '../heartbeat.js';
import { imageLimitForModel } from '../screen/image-limits.js';
import type { ContentStore } from '../store/content-store.js';
import type { ToolCallJournal } from '../store/tool-call-journal.js';
import type { McpConnectors, McpToolEntry } from './mcp-connectors.js';
import { McpCallError } from './mcp-server.js';
import { toToolResultRecord } from './mcp-results.js';

/** One MCP tool call, as the workflow hands it to the desktop. */
export const mcpCallSchema = z.object({
  taskId: z.string().min(1).max(500),
  toolUseId: z.string().min(1).max(500),
  /** The name the model called (`mcp__<server>__<tool>`). */
  name: z.string().min(1).max(64),
  /** The arguments exactly as the model sent them; the server validates them against its schema. */
  input: z.unknown(),
  /** The task's model: its image rule applies to images in the result. */
  model: z.string().min(1).max(200),
  /** Whether the workflow asked the person and they approved (the call's policy said to). */
  approved: z.boolean().optional(),
});
export type McpCallArgs = z.infer<typeof mcpCallSchema>;

/** What the model is told when an earlier attempt of a call that changes things died before reporting back. */
export const INTERRUPTED_MCP_CALL_TEXT =
  `${interruptedBeforeReport('This call')}. Check its effect (with a tool that reads, if the server has one) before trying it again.`;

export interface McpActivityDeps {
  /** The desktop's MCP servers; without them every MCP call answers that there are none. */
  connectors?: McpConnectors;
  store: Pick<ContentStore, 'put'>;
  journal: ToolCallJournal;
  /** How long a call waits for its server to come (back) up. Default 30 s. */
  waitForServerMs?: number;
  heartbeatEveryMs?: number;
}

/** The words for a call that got no result, by whether it may have taken effect. */
function failureText(entry: McpToolEntry, error: McpCallError): string {
  const server = `The ${entry.server.spec.name} MCP server`;
  switch (error.kind) {
    case 'unavailable':
      return `${server} ${error.message}, so the call was not made. Go on without it, or try again later.`;
    case 'refused':
      return `${server} refused the call: ${error.message}`;
    default: {
      const effect = entry.policy.retrySafe ? 'It only reads, so you may try again.' : 'The call may or may not have happened: check before trying again.';
      return `${server} ${error.message}, so there is no result. It is being restarted. ${effect}`;
    }
  }
}

/**
 * The MCP activity: runs one tool call on the desktop's server for it and maps the answer for
 * the model. A tool that only reads or is idempotent runs again after an interrupted attempt;
 * any other runs at most once per tool use (journaled: an attempt that died before reporting back
 * is answered "may or may not have happened", never repeated). A server that is down, hangs,
 * exits mid-call or answers garbage gives an `is_error` result, and is restarted; only failures
 * of the desktop's own storage throw.
 */
export function createMcpActivities(deps: McpActivityDeps) {
  const waitForServerMs = deps.waitForServerMs ?? 30_000;

  const run = async (args: McpCallArgs, entry: McpToolEntry): Promise<ToolResultRecord> => {
    const input = args.input ?? {};
    if (typeof input !== 'object' || Array.isArray(input)) {
      return { toolUseId: args.toolUseId, isError: true, text: `The input of ${args.name} must be an object of named arguments.` };
    }
    try {
      const result = await entry.server.call(entry.tool, input as Record<string, unknown>, { waitMs: waitForServerMs, signal: currentActivity()?.cancellationSignal });
      return await toToolResultRecord(args.toolUseId, result, { store: deps.store, imageRule: imageLimitForModel(args.model) });
    } catch (error) {
      if (!(error instanceof McpCallError)) throw error;
      currentActivity()?.log.warn('MCP call failed', { tool: args.name, kind: error.kind, error: error.message });
      return { toolUseId: args.toolUseId, isError: true, text: failureText(entry, error) };
    }
  };

  return {
    /** Runs one MCP tool call for a task: retried if it only reads, otherwise at most once. */
    async performMcpTool(raw: McpCallArgs): Promise<ToolResultRecord> {
      const parsed = mcpCallSchema.safeParse(raw);
      if (!parsed.success) throw ApplicationFailure.nonRetryable(`Malformed MCP call: ${z.prettifyError(parsed.error)}`, ErrorType.invalidTaskInput);
      const args = parsed.data;
      const entry = deps.connectors?.find(args.name);
      if (!entry) {
        return { toolUseId: args.toolUseId, isError: true, text: `There is no tool named "${args.name}" here (its MCP server may have been removed). Use only the tools you were given.` };
      }
      // The tool's policy is decided when the model's turn is read; one that changed since (its
      // server came up again with other annotations) is not run unasked.
      if (entry.policy.approval && !args.approved) {
        return { toolUseId: args.toolUseId, isError: true, text: `${args.name} now needs the person's approval and was not approved, so it was not run. Call it again to ask.` };
      }
      return whileHeartbeating(async () => {
        const earlier = await deps.journal.begin(args.taskId, args.toolUseId);
        if (earlier.kind === 'done') return earlier.result;
        if (earlier.kind === 'interrupted' && !entry.policy.retrySafe) return { toolUseId: args.toolUseId, isError: true, text: INTERRUPTED_MCP_CALL_TEXT };
        const result = await run(args, entry);
        await deps.journal.finish(args.taskId, args.toolUseId, result);
        currentActivity()?.log.info('MCP call', { tool: args.name, isError: result.isError });
        return result;
      }, deps.heartbeatEveryMs ?? 5_000);
    },
  };
}
