import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../../common/contract.js';
import type { CapturedImage, ScreenCapture } from '../ports.js';
import type { ScreenGeometry } from './coordinates.js';

/**
 * Thrown by a screen adapter that cannot reach the display (no DISPLAY, X server gone, session
 * locked away). Adapters may throw this class or any error with this `name`.
 */
export class DisplayUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DisplayUnavailableError';
  }
}

/** How X libraries and the nut adapter word a missing display ("The X display :1 is gone …"). */
const DISPLAY_FAILURE =
  /(can(no|')t|could not|unable to) open (main )?display|\bdisplay\b[^.]*\b(is gone|not reachable|unavailable|not set)|no display|x connection|XIO|connection refused|ECONNREFUSED/i;

/** Whether an error means the display itself is unreachable, as opposed to a bug or bad input. */
export function isDisplayUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === DisplayUnavailableError.name) return true;
  if (error instanceof ApplicationFailure) return error.type === ErrorType.displayUnavailable;
  return DISPLAY_FAILURE.test(error.message) || isDisplayUnavailable(error.cause);
}

export interface ScreenshotResult {
  imageRef: string;
  mediaType: CapturedImage['mediaType'];
  geometry: ScreenGeometry;
}

/**
 * The screenshot activity. `captureFor` returns the capture for a model's image limit, so the
 * image size always matches what the computer tool advertises to that model. `display` names
 * the display in error messages; it defaults to this process's DISPLAY.
 *
 * An unreachable display is a retryable `DisplayUnavailableError`: Temporal keeps retrying until
 * the desktop is back. Anything else propagates unchanged and is retried by the activity's policy.
 */
export function createScreenActivities(deps: { captureFor(model: string): ScreenCapture; display?: string }) {
  const display = deps.display ?? process.env.DISPLAY ?? '(not set)';

  return {
    async takeScreenshot(args: { model: string }): Promise<ScreenshotResult> {
      return onTheDisplay(async () => {
        const shot = await deps.captureFor(args.model).screenshot();
        return { imageRef: shot.ref, mediaType: shot.mediaType, geometry: shot.geometry };
      });
    },

    /** The screen's geometry for the model, read without a screenshot: it needs no screen lock. */
    async measureScreen(args: { model: string }): Promise<ScreenGeometry> {
      return onTheDisplay(() => deps.captureFor(args.model).geometry());
    },
  };

  /** Runs a read of the display, turning an unreachable display into a retryable, explained failure. */
  async function onTheDisplay<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (!isDisplayUnavailable(error)) throw error;
      if (error instanceof ApplicationFailure) throw error;
      throw ApplicationFailure.create({
        type: ErrorType.displayUnavailable,
        nonRetryable: false,
        message:
          `The desktop's display is not reachable (DISPLAY=${display}), so no screenshot could be taken. ` +
          'The task waits and tries again; make sure the desktop session is running and the display is on.',
        cause: error as Error,
      });
    }
  }
}
