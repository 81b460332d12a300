import { ActivityFailure, CancellationScope, log, proxyActivities } from '@temporalio/workflow';
import type { DesktopActivities } from '../../activities/index.js';
import type { ToolCall, ToolResultRecord } from '../../common/contract.js';
import { isMcpToolName, splitToolName } from '../../common/mcp-tool-names.js';
import type { ToolFamily } from './tool-family.js';

// Regular activities on the desktop's task queue, not local ones: a tool may take minutes, and
// heartbeats tell a slow tool from a dead worker. The start-to-close timeout covers waiting for a
// restarting server (30 s) and the call's own timeout (2 minutes).
const timeouts = { startToCloseTimeout: '4 minutes', heartbeatTimeout: '30 seconds' } as const;

/** For tools that only read or are idempotent: running one again does no harm. */
const retried = proxyActivities<DesktopActivities>({
  ...timeouts,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 4 },
});

/** For every other tool: one attempt; the desktop's journal answers a replayed one. */
const once = proxyActivities<DesktopActivities>({ ...timeouts, retry: { maximumAttempts: 1 } });

/**
 * Tools of the person's MCP servers ("connectors"), offered as `mcp__<server>__<tool>`. The
 * desktop knows each tool's annotations and its server's approval setting, and attaches them to
 * the call as its policy: whether the person approves it first, and whether a failed attempt may
 * be retried. No MCP tool touches the screen.
 */
export const mcpFamily: ToolFamily = {
  name: 'mcp',

  owns: (call) => call.toolsetName === undefined && isMcpToolName(call.name),

  needsScreen: () => false,

  changesScreen: () => false,

  notExecutedAfterFailure: () => undefined,

  describe: (call) => {
    const { server, tool } = splitToolName(call.name);
    return `use ${server}: ${tool}`;
  },

  actionName: (call) => call.name,

  alwaysNeedsApproval: (call: ToolCall) => call.policy?.approval === true,

  async run(call, context): Promise<ToolResultRecord> {
    const retrySafe = call.policy?.retrySafe === true;
    const { performMcpTool } = retrySafe ? retried : once;
    try {
      // Not cancellable: a call in progress finishes; cancellation is checked between calls.
      return await CancellationScope.nonCancellable(() =>
        performMcpTool({ taskId: context.taskId, toolUseId: call.id, name: call.name, input: call.input, model: context.model, approved: call.policy?.approval === true }),
      );
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      const reason = error.cause?.message ?? error.message;
      log.warn('MCP call failed', { toolUseId: call.id, tool: call.name, error: reason });
      const effect = retrySafe ? 'It only reads, so you may try again.' : 'It may or may not have happened: check before trying again.';
      return { toolUseId: call.id, isError: true, text: `The call failed before it reported back (${reason}). ${effect}` };
    }
  },
};
