import os from 'node:os';
import type { Client } from '@temporalio/client';
import { desktopTaskQueue } from '../common/contract.js';
import {
  DESKTOP_RECORD_WORKFLOW_TYPE,
  desktopProfileSignal,
  desktopRecordId,
  type DesktopProfile,
  type DesktopRecordInput,
} from '../common/desktop-record.js';
import type { Logger } from '../common/logger.js';
import type { Rect } from '../activities/ports.js';

/** This desktop's profile as phones see it: its name, host and the monitor the agent drives. */
export function desktopProfile(options: { name?: string; monitorChoice?: string; monitor?: Rect; now?: Date }): DesktopProfile {
  const hostname = os.hostname();
  const region = options.monitor ? `${options.monitor.width}x${options.monitor.height}+${options.monitor.x}+${options.monitor.y}` : undefined;
  const monitor = region ? `${options.monitorChoice ?? 'primary'} ${region}` : options.monitorChoice;
  return {
    name: options.name ?? hostname,
    hostname,
    ...(monitor ? { monitor } : {}),
    startedAt: (options.now ?? new Date()).toISOString(),
  };
}

/**
 * Puts this desktop on every gateway's list (see workflows/desktop-record.ts): starts its record
 * on first start, or tells the running one the current profile. A failure is logged, not fatal:
 * tasks run without it; only other desktops' gateways miss this one until the next start.
 */
export async function registerDesktop(deps: { client: Client; desktopId: string; profile: DesktopProfile; logger: Logger }): Promise<void> {
  const { desktopId, profile } = deps;
  const input: DesktopRecordInput = { desktopId, profile };
  try {
    await deps.client.workflow.signalWithStart(DESKTOP_RECORD_WORKFLOW_TYPE, {
      workflowId: desktopRecordId(desktopId),
      taskQueue: desktopTaskQueue(desktopId),
      args: [input],
      signal: desktopProfileSignal,
      signalArgs: [profile],
      memo: { profile },
      staticSummary: `Desktop "${profile.name}" (${desktopId}): lists it on phones and serves its screenshots to other desktops' gateways`,
    });
  } catch (error) {
    deps.logger.warn('could not record this desktop for other gateways; it is left off their desktop lists until the next start', { desktopId, error: (error as Error).message });
  }
}
