import { allHandlersFinished, ApplicationFailure, condition, makeContinueAsNewFunc, proxyLocalActivities, setHandler, upsertMemo, workflowInfo } from '@temporalio/workflow';
import type { DesktopActivities } from '../activities/index.js';
import {
  desktopProfileSignal,
  desktopScreenshotUpdate,
  SCREENSHOT_REF_PATTERN,
  type DesktopProfile,
  type DesktopRecordInput,
  type ScreenshotRequest,
} from '../common/desktop-record.js';

const { renderStoredScreenshot } = proxyLocalActivities<DesktopActivities>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '500 milliseconds', maximumAttempts: 3 },
});

/**
 * Screenshots pass through this history (see common/desktop-record.ts): past this size the
 * record continues as new, well before Temporal's warnings (10 MB) and limit (50 MB).
 */
const HISTORY_BYTES_BEFORE_CONTINUING = 4 * 1024 * 1024;

const memoOf = (profile: DesktopProfile): Record<string, unknown> => ({ profile });

/**
 * One desktop as the namespace knows it: its name and monitor in the memo, so any gateway lists
 * every desktop (including those that are off) from visibility alone, and an update through which
 * a gateway on another machine gets this desktop's screenshots. It runs on the desktop's own task
 * queue and never ends by itself: the worker signal-with-starts it each time it starts, and
 * terminating it in the Web UI takes a retired desktop off phones' lists until it starts again.
 */
export async function desktopRecord(input: DesktopRecordInput): Promise<void> {
  let profile = input.profile;

  setHandler(desktopProfileSignal, (next) => {
    profile = next;
    upsertMemo(memoOf(profile));
  });

  setHandler(desktopScreenshotUpdate, (request: ScreenshotRequest) => renderStoredScreenshot(request), {
    validator(request) {
      if (!SCREENSHOT_REF_PATTERN.test(request?.ref ?? '') || (request.size !== 'preview' && request.size !== 'full')) {
        throw ApplicationFailure.nonRetryable('Not a screenshot reference and size.', 'InvalidScreenshotRequest');
      }
    },
  });

  await condition(() => workflowInfo().continueAsNewSuggested || workflowInfo().historySize > HISTORY_BYTES_BEFORE_CONTINUING);
  await condition(allHandlersFinished);
  await makeContinueAsNewFunc<typeof desktopRecord>({ memo: memoOf(profile) })({ desktopId: input.desktopId, profile });
}
