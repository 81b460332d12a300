/**
 * The contract of a desktop's record: one long-lived workflow per desktop, on that desktop's own
 * task queue, through which every gateway on the same Temporal namespace learns which desktops
 * exist (their names, in its memo, even while they are off) and reaches the ones that are not
 * its own (their screenshots, which live on their disks).
 *
 * Workflow code imports this module, so it stays deterministic: no Node built-ins, no I/O.
 */
import { defineSignal, defineUpdate } from '@temporalio/workflow';

/** The workflow type of a desktop's record, as registered by the worker. */
export const DESKTOP_RECORD_WORKFLOW_TYPE = 'desktopRecord';

const RECORD_ID_PREFIX = 'desktop-record-';

/** The record's workflow id: one per desktop, so starting it again finds the running one. */
export function desktopRecordId(desktopId: string): string {
  return `${RECORD_ID_PREFIX}${desktopId}`;
}

/** The desktop a record's workflow id names (the inverse of {@link desktopRecordId}). */
export function desktopIdOfRecord(workflowId: string): string {
  return workflowId.startsWith(RECORD_ID_PREFIX) ? workflowId.slice(RECORD_ID_PREFIX.length) : workflowId;
}

/** What a desktop tells the others about itself; kept in the record's memo, so listing reads no history. */
export interface DesktopProfile {
  /** What phones call it (DISPATCH_DESKTOP_NAME, else the host name). */
  name: string;
  hostname: string;
  /** The monitor the agent drives, as the worker resolved it at start ("HDMI-1 1920x1080+0+0"), if known. */
  monitor?: string;
  /** When its worker last started (ISO 8601). */
  startedAt: string;
}

/** The record's input, also what it continues as new with. */
export interface DesktopRecordInput {
  desktopId: string;
  profile: DesktopProfile;
}

/** A screenshot another desktop's gateway asks for: a preview (480 px wide) or the size the agent saw. */
export interface ScreenshotRequest {
  /** The content-store reference (a SHA-256, hex) of the screenshot. */
  ref: string;
  size: 'preview' | 'full';
}

/** The screenshot references a desktop stores: SHA-256 digests in hex. */
export const SCREENSHOT_REF_PATTERN = /^[0-9a-f]{64}$/;

/** Failure type of a screenshot the desktop does not have (pruned, or never its own). */
export const SCREENSHOT_NOT_FOUND = 'ScreenshotNotFound';

/** Signal with start, from the desktop's worker each time it starts: here is who I am now. */
export const desktopProfileSignal = defineSignal<[DesktopProfile]>('desktopProfile');

/**
 * Update from another desktop's gateway: the WebP image of one of this desktop's screenshots.
 * An exception to "images never travel through history", made deliberately: a gateway cannot
 * read another machine's disk, the images are small (a preview is tens of kilobytes, a full one
 * is kept under a megabyte), gateways cache them, and the record continues as new long before its
 * history grows large.
 */
export const desktopScreenshotUpdate = defineUpdate<Uint8Array, [ScreenshotRequest]>('screenshot');
