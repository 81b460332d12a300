import { interruptedBeforeReport, type ToolResultRecord } from '../../common/contract.js';
import type { ToolCallJournal } from '../store/tool-call-journal.js';
import type { PerformComputerActionArgs } from './computer-activity.js';

export interface JournaledActionArgs extends PerformComputerActionArgs {
  taskId: string;
}

/** What the model is told when an action's earlier attempt died before reporting back. */
export const INTERRUPTED_ACTION_TEXT = `${interruptedBeforeReport('This action')}. Take a screenshot to see the current state before going on.`;

/**
 * Makes a desktop action run at most once per tool call, even when Temporal runs the activity
 * again (a local activity is replayed if the worker dies before its workflow task completes).
 * A finished call returns its recorded result; a call that started and never finished is not
 * repeated: the model hears that it may or may not have happened and looks again. Before that,
 * `releaseHeld` lets go of any key or button the interrupted attempt may have left down (a
 * `hold_key` cut short), so nothing runs with a modifier stuck.
 */
export function atMostOnce(
  perform: (args: PerformComputerActionArgs) => Promise<ToolResultRecord>,
  journal: ToolCallJournal,
  releaseHeld: () => Promise<void> = async () => {},
): (args: JournaledActionArgs) => Promise<ToolResultRecord> {
  return async (args) => {
    const earlier = await journal.begin(args.taskId, args.toolUseId);
    if (earlier.kind === 'done') return earlier.result;
    if (earlier.kind === 'interrupted') {
      await releaseHeld().catch(() => {});
      return { toolUseId: args.toolUseId, isError: true, text: INTERRUPTED_ACTION_TEXT };
    }
    const result = await perform(args);
    await journal.finish(args.taskId, args.toolUseId, result);
    return result;
  };
}
