import type { Client } from '@temporalio/client';
import type { Router } from 'express';
import type { DispatchConfig } from '../common/config.js';
import type { Logger } from '../common/logger.js';
import { notificationText, type TaskChange } from './notification-text.js';
import { openNotifiedLog } from './notified-log.js';
import { createNtfyNotifier } from './ntfy-notifier.js';
import { isAllowedPushEndpoint } from './push-endpoints.js';
import { createPushRouter } from './push-routes.js';
import { createPushSubscriptions } from './push-subscriptions.js';
import { temporalTaskFeed, type TaskFeed } from './task-feed.js';
import { createTaskWatcher } from './task-watcher.js';
import { loadVapidKeys } from './vapid-keys.js';
import { createWebPushSender } from './web-push-sender.js';

export interface PushNotificationsDeps {
  config: Readonly<DispatchConfig>;
  client: Client;
  /** Where phones open the gateway: ntfy's Click header points there. */
  publicUrl: string;
  logger: Logger;
  /** Tests and the bench replace Temporal's listing; the gateway uses it as is. */
  feed?: TaskFeed;
  pollMs?: number;
}

/** Web Push and ntfy for the gateway: the `/push` routes, the task watcher, and the device hook. */
export interface PushNotifications {
  /** Authenticated `/push/*` routes, to mount under `/api` behind requireDevice. */
  router: Router;
  /** A device was revoked: its subscriptions go with it. */
  forgetDevice(deviceId: string): Promise<void>;
  /** A task changed through the API: look now rather than at the next poll. */
  poke(): void;
  close(): Promise<void>;
}

/**
 * Builds notifications from configuration and starts watching tasks at once: always on, whether
 * or not a phone is connected, so "needs your answer" reaches a phone in a pocket. The VAPID key
 * pair, the subscriptions and what was already notified live under DISPATCH_HOME/push.
 */
export async function startPushNotifications(deps: PushNotificationsDeps): Promise<PushNotifications> {
  const { config, logger } = deps;
  const push = config.push;
  const allowed = (endpoint: string) => isAllowedPushEndpoint(endpoint, push.extraOrigins);
  const vapid = await loadVapidKeys(push.paths.vapid);
  const subscriptions = await createPushSubscriptions({ file: push.paths.subscriptions });
  const webPush = createWebPushSender({ vapid, subject: push.subject, subscriptions, allowed, logger });
  const ntfy = push.ntfy ? createNtfyNotifier({ url: push.ntfy.url, token: push.ntfy.token, publicUrl: deps.publicUrl }) : undefined;

  const notify = async (change: TaskChange): Promise<void> => {
    const text = notificationText(change);
    await Promise.all([
      webPush.send(text),
      ntfy?.notify(change.taskId, text).catch((error: unknown) => logger.warn('could not post to ntfy', { taskId: change.taskId, error: (error as Error).message })),
    ]);
  };

  const watcher = createTaskWatcher({
    feed: deps.feed ?? temporalTaskFeed(deps.client),
    log: await openNotifiedLog({ file: push.paths.notified }),
    notify,
    logger,
    pollMs: deps.pollMs,
  });
  watcher.start();

  return {
    router: createPushRouter({ publicKey: vapid.publicKey, subscriptions, allowed }),
    async forgetDevice(deviceId) {
      const removed = await subscriptions.removeDevice(deviceId);
      if (removed > 0) logger.info('forgot the push subscriptions of a revoked phone', { count: removed });
    },
    poke: () => watcher.poke(),
    close: () => watcher.close(),
  };
}
