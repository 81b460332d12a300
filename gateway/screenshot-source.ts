import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { renderScreenshotImage } from '../activities/screen/screenshot-image.js';
import { BlobNotFoundError, type ContentStore } from '../activities/store/content-store.js';
import { desktopRecordId, desktopScreenshotUpdate, SCREENSHOT_NOT_FOUND, type ScreenshotRequest } from '../common/desktop-record.js';
import type { DesktopPresence } from './desktop-presence.js';
import { HttpError, notFound } from './http-error.js';

/** Where a task's screenshots come from: this desktop's disk, or the desktop the task ran on. */
export interface ScreenshotSource {
  /** The WebP image the phone shows; 404 when the desktop has no such screenshot, 503 when that desktop is away. */
  image(desktopId: string, request: ScreenshotRequest): Promise<Buffer>;
}

/** gRPC: the call ran past its deadline. */
const GRPC_DEADLINE_EXCEEDED = 4;

const away = (): HttpError =>
  new HttpError(503, 'desktop_away', 'The desktop this task ran on is away; its screenshots show again when it is back.', undefined, { 'Retry-After': '30' });

/**
 * Screenshots of this desktop's tasks are read from its own content store. Those of tasks that
 * ran on another desktop are on that machine's disk, so they are asked of that desktop through
 * Temporal: an update to its record (workflows/desktop-record.ts), which its worker answers with
 * the rendered image. Screenshots never change, so fetched ones are kept in memory, up to
 * `cacheBytes`, the least recently used going first.
 */
export function createScreenshotSource(deps: {
  client: Client;
  store: ContentStore;
  presence: DesktopPresence;
  selfId: string;
  /** How long another desktop may take to answer (default 15 s). */
  timeoutMs?: number;
  cacheBytes?: number;
}): ScreenshotSource {
  const timeoutMs = deps.timeoutMs ?? 15_000;
  const cacheBytes = deps.cacheBytes ?? 32 * 1024 * 1024;
  const cache = new Map<string, Buffer>();
  let cached = 0;

  const remember = (key: string, image: Buffer): void => {
    cache.set(key, image);
    cached += image.length;
    for (const [oldest, value] of cache) {
      if (cached <= cacheBytes) break;
      cache.delete(oldest);
      cached -= value.length;
    }
  };

  async function local(request: ScreenshotRequest): Promise<Buffer> {
    const image = await deps.store.get(request.ref).catch((error: unknown) => {
      throw error instanceof BlobNotFoundError ? notFound('That screenshot') : error;
    });
    return renderScreenshotImage(image, request.size);
  }

  async function remote(desktopId: string, request: ScreenshotRequest): Promise<Buffer> {
    const key = `${desktopId}/${request.ref}/${request.size}`;
    const hit = cache.get(key);
    if (hit) {
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    // An away desktop's record cannot answer; say so now rather than after the timeout.
    if ((await deps.presence.status(desktopId).catch(() => undefined))?.online === false) throw away();
    try {
      const bytes = await deps.client.withDeadline(Date.now() + timeoutMs, () =>
        deps.client.workflow.getHandle(desktopRecordId(desktopId)).executeUpdate(desktopScreenshotUpdate, { args: [request] }),
      );
      const image = Buffer.from(bytes);
      remember(key, image);
      return image;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw notFound('That screenshot');
      if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure && error.cause.type === SCREENSHOT_NOT_FOUND) throw notFound('That screenshot');
      if ((error as { code?: number }).code === GRPC_DEADLINE_EXCEEDED) throw away();
      throw error;
    }
  }

  return {
    image: (desktopId, request) => (desktopId === deps.selfId ? local(request) : remote(desktopId, request)),
  };
}
