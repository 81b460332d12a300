import { ActivityFailure, CancellationScope, proxyActivities } from '@temporalio/workflow';
import type { DesktopActivities } from '../../activities/index.js';
import { ToolName, type ToolResultRecord } from '../../common/contract.js';
import { describeFileCall, fieldsOf } from './describe.js';
import type { ToolFamily } from './tool-family.js';

// File operations are journaled per tool call on the desktop, intent before change, so retrying
// them is safe (activities/files/write-intent.ts). They heartbeat while they run: a dead worker
// costs the heartbeat timeout, not the whole start-to-close timeout, before the retry.
const { performFileTool } = proxyActivities<DesktopActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 5 },
});

const FILE_TOOLS = new Set<string>([ToolName.textEditor, ToolName.fileManager]);

/** The text editor and the file manager, confined to the granted folders. No screen needed. */
export const filesFamily: ToolFamily = {
  name: 'files',

  owns: (call) => call.toolsetName === undefined && FILE_TOOLS.has(call.name),

  needsScreen: () => false,

  changesScreen: () => false,

  notExecutedAfterFailure: () => undefined,

  describe: (call) => describeFileCall(call.name === ToolName.textEditor ? 'editor' : 'manager', fieldsOf(call.input)),

  actionName: (call) => call.name,

  alwaysNeedsApproval: () => false,

  async run(call, context): Promise<ToolResultRecord> {
    try {
      return await CancellationScope.nonCancellable(() =>
        performFileTool({ taskId: context.taskId, toolUseId: call.id, toolName: call.name, input: call.input, model: context.model }),
      );
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      return { toolUseId: call.id, isError: true, text: `The file operation failed: ${error.cause?.message ?? error.message}` };
    }
  },
};
