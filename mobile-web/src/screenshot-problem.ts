import { ApiFailure } from './api.js';

/** What shows in place of a screenshot that could not be loaded, and whether "Try again" can help. */
export interface ScreenshotProblem {
  text: string;
  retry: boolean;
}

/**
 * Words for a screenshot that did not load. The gateway's own message is shown as it is: a task
 * from another desktop that is away answers 503 "The desktop this task ran on is away; …", which
 * a later try can fix. A 404 means that desktop no longer has the image (or is gone), so trying
 * again cannot help.
 */
export function screenshotProblem(error: unknown, fallback = 'Could not load the screenshot.'): ScreenshotProblem {
  if (!(error instanceof ApiFailure)) return { text: fallback, retry: true };
  if (error.status === 404) return { text: 'This screenshot is no longer on the desktop it was taken on.', retry: false };
  return { text: error.message, retry: error.code !== 'bad_url' };
}
