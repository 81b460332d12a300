import { ApplicationFailure, CancellationScope, isCancellation, log, proxyLocalActivities, sleep, TimeoutFailure } from '@temporalio/workflow';
import type { DesktopActivities } from '../../activities/index.js';
import { ErrorType, ToolName, type ToolCall, type ToolResultRecord } from '../../common/contract.js';
import { imageToScreen } from '../../common/screen-geometry.js';
import { describeComputerAction, fieldsOf } from './describe.js';
import type { ToolFamily } from './tool-family.js';

// At most once: a click or keystroke is never replayed blindly. One attempt, and a journal on the
// desktop turns a replay after a crash into "may or may not have happened"; the model then takes
// a fresh look and decides again. Local, as the desktop is where it runs anyway.
const { performComputerAction } = proxyLocalActivities<DesktopActivities>({
  startToCloseTimeout: '6 minutes',
  retry: { maximumAttempts: 1 },
});

/** The toolset's family name on its calls (`tool_use.toolset_name`). */
const TOOLSET = 'computer';
/** The toolset's own words for a member skipped after an earlier one failed. */
const NOT_EXECUTED = 'Not executed: an earlier computer action in this turn failed.';
/** Actions that only look: the model sees their own result, and nothing on screen changed. */
const LOOKING = new Set(['screenshot', 'zoom', 'cursor_position']);
const MAX_WAIT_SECONDS = 300;
/** How much of a `type` step's text the timeline keeps. */
const MAX_TYPED_SHOWN = 500;

/** The action a call asks for: the toolset names it as the tool, the older tools in `input.action`. */
function actionOf(call: ToolCall): string {
  if (call.toolsetName === TOOLSET) return call.name;
  const action = fieldsOf(call.input).action;
  return typeof action === 'string' ? action : 'unknown action';
}

/** The duration of a well-formed `wait`; anything else goes to the input activity to be judged. */
function plainWaitSeconds(call: ToolCall): number | undefined {
  const { duration } = fieldsOf(call.input);
  return actionOf(call) === 'wait' && typeof duration === 'number' && duration >= 0 && duration <= MAX_WAIT_SECONDS ? duration : undefined;
}

/** Every failure in an error's cause chain, outermost first. */
function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && current !== null && chain.length < 10; current = (current as { cause?: unknown }).cause) chain.push(current);
  return chain;
}

/**
 * What the model is told about an action that failed instead of reporting back. Only an action
 * cut short (a timeout, the display going away mid-way) may or may not have happened; any other
 * failure happened before or instead of the action, and is named as such.
 */
function failedActionText(error: unknown): string {
  const chain = causes(error);
  const reason = [...chain].reverse().map((entry) => (entry as { message?: string }).message).find((message) => message) ?? String(error);
  const cutShort = chain.some(
    (entry) => entry instanceof TimeoutFailure || (entry instanceof ApplicationFailure && entry.type === ErrorType.displayUnavailable),
  );
  return cutShort
    ? `The action was cut short (${reason}), so it may or may not have happened. Take a screenshot to see the current state before going on.`
    : `The action failed and did not complete: ${reason}. Take a screenshot to see the current state before going on.`;
}

/**
 * The computer, in every dialect: the older `computer` tool whose input names an `action`, and
 * `computer_toolset_20260801`, whose calls are members carrying `toolset_name: "computer"`.
 */
export const computerFamily: ToolFamily = {
  name: 'computer',

  owns: (call) => call.toolsetName === TOOLSET || (call.toolsetName === undefined && call.name === ToolName.computer),

  needsScreen: () => true,

  changesScreen: (call) => !LOOKING.has(actionOf(call)),

  notExecutedAfterFailure: (call) => (call.toolsetName === TOOLSET ? NOT_EXECUTED : undefined),

  describe: (call) => describeComputerAction(actionOf(call), fieldsOf(call.input)),

  actionName: actionOf,

  stepDetails(call, geometry) {
    const fields = fieldsOf(call.input);
    if (actionOf(call) === 'type' && typeof fields.text === 'string') return { typed: fields.text.slice(0, MAX_TYPED_SHOWN) };
    const [x, y] = Array.isArray(fields.coordinate) ? fields.coordinate : [];
    if (!geometry || typeof x !== 'number' || typeof y !== 'number') return {};
    try {
      return { point: imageToScreen({ x, y }, geometry) };
    } catch {
      return {};
    }
  },

  alwaysNeedsApproval: () => false,

  async run(call, context): Promise<ToolResultRecord> {
    const waitSeconds = plainWaitSeconds(call);
    if (waitSeconds !== undefined) {
      // Waiting touches nothing on the desktop: a durable timer, which (unlike a local activity)
      // leaves the workflow free to show its progress and answer queries meanwhile.
      await CancellationScope.nonCancellable(() => sleep(waitSeconds * 1000));
      return call.toolsetName === TOOLSET ? { toolUseId: call.id, isError: false, text: `Waited ${waitSeconds}s.` } : { toolUseId: call.id, isError: false };
    }
    const geometry = await context.screenGeometry();
    try {
      // Not cancellable: an action in progress finishes; cancellation is checked between actions.
      return await CancellationScope.nonCancellable(() =>
        performComputerAction({
          taskId: context.taskId,
          model: context.model,
          toolUseId: call.id,
          name: call.name,
          ...(call.toolsetName !== undefined ? { toolsetName: call.toolsetName } : {}),
          input: call.input,
          geometry,
        }),
      );
    } catch (error) {
      if (isCancellation(error)) throw error;
      const text = failedActionText(error);
      log.warn('computer action failed', { toolUseId: call.id, error: text });
      // Losing the display pauses the task here: the screenshot that follows a batch that touched
      // the screen is retried until the display is back.
      return { toolUseId: call.id, isError: true, text };
    }
  },
};
