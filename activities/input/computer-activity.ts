import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ToolError } from '@anthropic-ai/sdk/helpers/beta/toolsets';
import { z } from 'zod';
import { ErrorType, type ToolResultRecord } from '../../common/contract.js';
import type { Clock, InputDevice, ScreenCapture } from '../ports.js';
import type { ScreenGeometry } from '../screen/coordinates.js';
import { isDisplayUnavailable } from '../screen/screenshot-activity.js';
import type { ContentStore } from '../store/content-store.js';
import { actionAvailableIn, computerActionSchema, type ComputerAction, type ComputerDialect } from './computer-actions.js';
import { runComputerToolsetMember } from './computer-toolset.js';
import { executeComputerAction, ModelFixableActionError, type ActionOutcome } from './execute-action.js';

export interface ComputerActivityDeps {
  input: InputDevice;
  capture: ScreenCapture;
  clock: Clock;
  /** Where screenshots are read back from, to hand the toolset's renderer their bytes. */
  store: Pick<ContentStore, 'get'>;
}

export interface PerformComputerActionArgs {
  toolUseId: string;
  /** The tool input exactly as the model sent it; validated here. */
  input: unknown;
  /** The geometry of the screenshot the model based this action on. */
  geometry: ScreenGeometry;
  /** The dialect the task's model speaks; it decides how `input` (and `member`) are read. */
  toolVersion: ComputerDialect;
  /** For the computer toolset: the member called (`left_click`, `type`, …), the tool_use's name. */
  member?: string;
}

function inActivity(): boolean {
  try {
    Context.current();
    return true;
  } catch {
    return false;
  }
}

/** Actions that press nothing, so their failure leaves nothing held. */
const LOOKING_ONLY: ReadonlySet<ComputerAction['action']> = new Set(['screenshot', 'zoom', 'cursor_position', 'wait']);

/**
 * An input action cut short (a killed or timed-out helper, a lost display) may have left a key or
 * button down; it is let go before the failure is reported, so the person's own typing is unaffected.
 */
async function releaseAfterFailure(input: InputDevice): Promise<void> {
  try {
    await input.releaseAll();
  } catch (error) {
    if (inActivity()) log.warn('Could not release held keys and buttons after a failed action', { error });
  }
}

function modelError(toolUseId: string, text: string): ToolResultRecord {
  return Object.freeze({ toolUseId, isError: true, text });
}

/**
 * The computer-tool activity, built over the desktop's input device and screen capture, for every
 * dialect: the toolset's member calls go through the SDK's toolset pipeline, the older tools'
 * `action` inputs through the same executor.
 *
 * Whatever the model got wrong (malformed input, an action its dialect lacks, a point off the
 * screen, an unknown key) comes back as an `isError` result so the model can correct itself on
 * the next turn. A failing display is thrown instead: the workflow runs this activity with a
 * single attempt, because a click or keystroke must not be repeated blindly after a crash.
 */
export function createComputerActivities(deps: ComputerActivityDeps) {
  const execute = async (action: ComputerAction, geometry: ScreenGeometry): Promise<ActionOutcome> => {
    try {
      return await executeComputerAction(action, { ...deps, geometry });
    } catch (error) {
      if (error instanceof ModelFixableActionError) throw error;
      if (inActivity()) log.warn('Computer action failed on the display', { action: action.action, error });
      if (!LOOKING_ONLY.has(action.action)) await releaseAfterFailure(deps.input);
      if (isDisplayUnavailable(error) && !(error instanceof ApplicationFailure)) {
        // Typed, so the workflow can tell a lost display (the action may or may not have happened) from a bug.
        throw ApplicationFailure.create({ type: ErrorType.displayUnavailable, message: `The display went away: ${(error as Error).message}`, cause: error as Error });
      }
      throw error;
    }
  };

  async function performLegacyAction(args: PerformComputerActionArgs): Promise<ToolResultRecord> {
    const { toolUseId, toolVersion, geometry } = args;
    const parsed = computerActionSchema.safeParse(args.input);
    if (!parsed.success) {
      return modelError(toolUseId, `Invalid ${toolVersion} input:\n${z.prettifyError(parsed.error)}`);
    }
    const action = parsed.data;
    if (!actionAvailableIn(action.action, toolVersion)) {
      return modelError(toolUseId, `The ${action.action} action is not available in ${toolVersion}; take a screenshot instead.`);
    }
    try {
      const outcome = await execute(action, geometry);
      const result: ToolResultRecord = { toolUseId, isError: false };
      if (outcome.text !== undefined) result.text = outcome.text;
      if (outcome.image) {
        result.imageRef = outcome.image.ref;
        result.imageMediaType = outcome.image.mediaType;
      }
      return Object.freeze(result);
    } catch (error) {
      if (error instanceof ModelFixableActionError) return modelError(toolUseId, error.message);
      throw error;
    }
  }

  return {
    async performComputerAction(args: PerformComputerActionArgs): Promise<ToolResultRecord> {
      if (args.toolVersion !== 'computer_toolset_20260801') return performLegacyAction(args);
      return runComputerToolsetMember(
        { toolUseId: args.toolUseId, member: args.member ?? '', input: args.input },
        async (action) => {
          try {
            return await execute(action, args.geometry);
          } catch (error) {
            if (error instanceof ModelFixableActionError) throw new ToolError(error.message);
            throw error;
          }
        },
        (image) => deps.store.get(image.ref),
      );
    },
  };
}
