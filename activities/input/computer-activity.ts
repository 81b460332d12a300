import { Context, log } from '@temporalio/activity';
import { z } from 'zod';
import type { ToolResultRecord } from '../../common/contract.js';
import type { Clock, InputDevice, ScreenCapture } from '../ports.js';
import type { ScreenGeometry } from '../screen/coordinates.js';
import { actionAvailableIn, computerActionSchema, type ComputerToolVersion } from './computer-actions.js';
import { executeComputerAction, ModelFixableActionError } from './execute-action.js';

export interface ComputerActivityDeps {
  input: InputDevice;
  capture: ScreenCapture;
  clock: Clock;
}

export interface PerformComputerActionArgs {
  toolUseId: string;
  /** The tool input exactly as the model sent it; validated here. */
  input: unknown;
  /** The geometry of the screenshot the model based this action on. */
  geometry: ScreenGeometry;
  toolVersion: ComputerToolVersion;
}

function inActivity(): boolean {
  try {
    Context.current();
    return true;
  } catch {
    return false;
  }
}

function modelError(toolUseId: string, text: string): ToolResultRecord {
  return Object.freeze({ toolUseId, isError: true, text });
}

/**
 * The computer-tool activity, built over the desktop's input device and screen capture.
 *
 * Whatever the model got wrong (malformed input, an action its tool version lacks, a point off
 * the screen, an unknown key) comes back as an `isError` result so the model can correct itself
 * on the next turn. A failing display is thrown instead: the workflow runs this activity with a
 * single attempt, because a click or keystroke must not be repeated blindly after a crash.
 */
export function createComputerActivities(deps: ComputerActivityDeps) {
  return {
    async performComputerAction(args: PerformComputerActionArgs): Promise<ToolResultRecord> {
      const { toolUseId, toolVersion, geometry } = args;
      const parsed = computerActionSchema.safeParse(args.input);
      if (!parsed.success) {
        return modelError(toolUseId, `Invalid ${toolVersion} input:\n${z.prettifyError(parsed.error)}`);
      }
      const action = parsed.data;
      if (!actionAvailableIn(action.action, toolVersion)) {
        return modelError(
          toolUseId,
          `The ${action.action} action is not available in ${toolVersion}; take a screenshot instead.`,
        );
      }
      try {
        const outcome = await executeComputerAction(action, { ...deps, geometry });
        const result: ToolResultRecord = { toolUseId, isError: false };
        if (outcome.text !== undefined) result.text = outcome.text;
        if (outcome.image) {
          result.imageRef = outcome.image.ref;
          result.imageMediaType = outcome.image.mediaType;
        }
        return Object.freeze(result);
      } catch (error) {
        if (error instanceof ModelFixableActionError) return modelError(toolUseId, error.message);
        if (inActivity()) log.warn('Computer action failed on the display', { action: action.action, error });
        throw error;
      }
    },
  };
}
