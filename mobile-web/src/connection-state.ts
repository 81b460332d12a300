import type { Desktop, TaskSummary } from '../../common/api-schemas.js';
import type { ConnectionState } from './events.js';
import { createdWhen } from './format.js';
import { isFinished } from './store.js';

/**
 * Why updates do or do not flow, from the phone outwards: the phone's own network, then the
 * gateway (the socket to the desktop computer), then the desktop's worker that runs tasks.
 */
export type LinkState = 'phone-offline' | 'unreachable' | 'connecting' | 'no-desktop' | 'unlisted' | 'away' | 'live';

/** Everything the indicator is decided from. */
export interface LinkInput {
  /** `navigator.onLine`: false means this phone has no network at all. */
  phoneOnline: boolean;
  /** The live socket to the gateway. */
  connection: ConnectionState;
  /** False until the desktop list first arrives. */
  desktopsLoaded: boolean;
  /** The desktop this screen is about. */
  desktop: Desktop | undefined;
  /**
   * On a task's screen, that task: a desktop missing from the list is then its desktop, retired
   * or not listed yet, rather than a sign that no desktop exists at all.
   */
  task?: Pick<TaskSummary, 'desktopId' | 'status'>;
  now?: Date;
}

/**
 * The one connection state a screen shows, nearest cause first: a phone without network cannot
 * reach the gateway, and a gateway out of reach says nothing new about the desktop, so an older
 * "desktop online" is never shown beside "offline".
 */
export function linkState(input: LinkInput): { state: LinkState; text: string } {
  const { desktop, task } = input;
  if (!input.phoneOnline) return { state: 'phone-offline', text: 'This phone is offline. Updates resume when it is back online.' };
  if (input.connection === 'offline') return { state: 'unreachable', text: "Can't reach your desktop's gateway. Retrying…" };
  if (!input.desktopsLoaded) return { state: 'connecting', text: 'Connecting to your desktop…' };
  if (!desktop && task) {
    const text = isFinished(task.status)
      ? `This task's desktop (${task.desktopId}) is no longer among your desktops.`
      : `This task's desktop (${task.desktopId}) is not among your desktops. The task waits until it connects.`;
    return { state: 'unlisted', text };
  }
  if (!desktop) return { state: 'no-desktop', text: 'No desktop has connected yet. Tasks wait until one does.' };
  if (!desktop.online) {
    const since = desktop.lastSeen ? ` since ${createdWhen(desktop.lastSeen, input.now)}` : '';
    return { state: 'away', text: `Desktop away${since}. Tasks wait until it is back.` };
  }
  return { state: 'live', text: 'Desktop online' };
}
