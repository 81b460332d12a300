import { ApplicationFailure } from '@temporalio/common';
import { SCREENSHOT_NOT_FOUND, SCREENSHOT_REF_PATTERN, type ScreenshotRequest } from '../../common/desktop-record.js';
import { BlobNotFoundError, type ContentStore } from '../store/content-store.js';
import { renderScreenshotImage } from './screenshot-image.js';

/**
 * The activity behind a desktop record's `screenshot` update: one of this desktop's stored
 * screenshots, rendered for a phone, for a gateway on another machine that cannot read this disk.
 */
export function createScreenshotImageActivities(deps: { store: ContentStore }) {
  /** The WebP image; a screenshot this desktop does not have fails at once, without retries. */
  async function renderStoredScreenshot(request: ScreenshotRequest): Promise<Uint8Array> {
    if (!SCREENSHOT_REF_PATTERN.test(request.ref) || (request.size !== 'preview' && request.size !== 'full')) {
      throw ApplicationFailure.nonRetryable('Not a screenshot reference and size.', 'InvalidScreenshotRequest');
    }
    let image: Buffer;
    try {
      image = await deps.store.get(request.ref);
    } catch (error) {
      if (error instanceof BlobNotFoundError) throw ApplicationFailure.nonRetryable('This desktop no longer has that screenshot.', SCREENSHOT_NOT_FOUND);
      throw error;
    }
    return renderScreenshotImage(image, request.size);
  }

  return { renderStoredScreenshot };
}
