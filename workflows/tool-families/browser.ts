import { ActivityFailure, CancellationScope, log, proxyActivities } from '@temporalio/workflow';
import type { DesktopActivities } from '../../activities/index.js';
import type { ToolResultRecord } from '../../common/contract.js';
import { describeBrowserCall } from './browser-describe.js';
import { fieldsOf } from './describe.js';
import type { ToolFamily } from './tool-family.js';

// A regular activity on the desktop's task queue, not a local one: a page can take its time
// (a navigation waits up to 30 s, `wait` and `hold_key` up to 30 s more), and heartbeats tell a
// slow page from a dead worker. Retrying is safe: the desktop journals every call, answers a
// finished one with its recorded result, repeats an interrupted one only if it merely reads, and
// tells the model that an interrupted action may or may not have happened.
const { performBrowserAction } = proxyActivities<DesktopActivities>({
  startToCloseTimeout: '3 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 3 },
});

/** The toolset's family name on its calls (`tool_use.toolset_name`). */
const TOOLSET = 'browser';
/** The SDK's own words for a browser member skipped after an earlier one failed. */
const NOT_EXECUTED = 'Not executed: an earlier action in this turn failed.';

/**
 * `browser_toolset_20260801`: the agent's own browser, with tabs per task. It never touches the
 * desktop's screen or input (pages are driven inside the browser), so it needs no screen and
 * changes nothing the computer's screenshots show; its results carry their own `browser_state`.
 */
export const browserFamily: ToolFamily = {
  name: 'browser',

  owns: (call) => call.toolsetName === TOOLSET,

  needsScreen: () => false,

  changesScreen: () => false,

  notExecutedAfterFailure: () => NOT_EXECUTED,

  describe: (call) => describeBrowserCall(call.name, fieldsOf(call.input)),

  actionName: (call) => call.name,

  // A script runs with the page's own authority, and an upload hands a file to a web site: the
  // person approves each one (both are switched off in the declaration for now).
  alwaysNeedsApproval: (call) => call.name === 'javascript_exec' || call.name === 'file_upload',

  async run(call, context): Promise<ToolResultRecord> {
    try {
      // Not cancellable: an action in progress finishes; cancellation is checked between actions.
      return await CancellationScope.nonCancellable(() =>
        performBrowserAction({ taskId: context.taskId, toolUseId: call.id, name: call.name, input: call.input, model: context.model }),
      );
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      const reason = error.cause?.message ?? error.message;
      log.warn('browser action failed', { toolUseId: call.id, error: reason });
      return {
        toolUseId: call.id,
        toolsetName: TOOLSET,
        isError: true,
        text: `The browser action failed before it reported back (${reason}), so it may or may not have happened. Call read_page or take a screenshot to see the current state before going on.`,
      };
    }
  },
};
