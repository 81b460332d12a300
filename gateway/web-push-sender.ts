import webpush, { WebPushError } from 'web-push';
import type { Logger } from '../common/logger.js';
import type { NotificationText } from './notification-text.js';
import type { PushSubscriptions, StoredPushSubscription } from './push-subscriptions.js';
import type { VapidKeys } from './vapid-keys.js';

export interface WebPushSenderOptions {
  vapid: VapidKeys;
  /** The VAPID `sub` claim. */
  subject: string;
  subscriptions: PushSubscriptions;
  /** Checked again before each send: an origin removed from the configuration is no longer posted to. */
  allowed: (endpoint: string) => boolean;
  logger: Logger;
  /** How long a push waits at the push service for the phone; a task change is stale after a day. */
  ttlSeconds?: number;
  timeoutMs?: number;
  /** Waits between attempts at a push service that answered 429/5xx or could not be reached. */
  retryDelaysMs?: number[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether another attempt may succeed: the service was busy, failing, or not reached at all. */
function isTransient(error: unknown): boolean {
  if (error instanceof WebPushError) return error.statusCode === 429 || error.statusCode >= 500;
  return true;
}

/**
 * Sends one change to every subscribed phone with web-push (RFC 8291 aes128gcm payloads, RFC 8292
 * VAPID). A push service's 404 or 410 means the subscription is gone: it is removed, and nothing
 * else is sent to it. Other failures are retried a few times, then logged; one phone's failure
 * delays no other.
 */
export function createWebPushSender(options: WebPushSenderOptions): { send(text: NotificationText): Promise<void> } {
  const { logger, subscriptions } = options;
  const retryDelaysMs = options.retryDelaysMs ?? [1_000, 5_000];

  async function sendOne(subscription: StoredPushSubscription, text: NotificationText): Promise<void> {
    const host = new URL(subscription.endpoint).host;
    if (!options.allowed(subscription.endpoint)) {
      logger.warn('not pushing to a push service that is no longer allowed', { host });
      return;
    }
    if (subscription.expirationTime !== null && subscription.expirationTime < Date.now()) {
      await subscriptions.remove(subscription.endpoint);
      return;
    }
    for (let attempt = 0; ; attempt += 1) {
      try {
        await webpush.sendNotification(subscription, JSON.stringify(text.payload), {
          vapidDetails: { subject: options.subject, publicKey: options.vapid.publicKey, privateKey: options.vapid.privateKey },
          contentEncoding: 'aes128gcm',
          TTL: options.ttlSeconds ?? 24 * 3600,
          urgency: text.urgency,
          topic: text.topic,
          timeout: options.timeoutMs ?? 10_000,
        });
        return;
      } catch (error) {
        const status = error instanceof WebPushError ? error.statusCode : undefined;
        if (status === 404 || status === 410) {
          logger.info('a phone unsubscribed from notifications; forgetting it', { host, status });
          await subscriptions.remove(subscription.endpoint);
          return;
        }
        if (!isTransient(error) || attempt >= retryDelaysMs.length) {
          logger.warn('could not send a notification', { host, status, error: (error as Error).message });
          return;
        }
        await sleep(retryDelaysMs[attempt]!);
      }
    }
  }

  return {
    async send(text) {
      await Promise.all(subscriptions.list().map((subscription) => sendOne(subscription, text)));
    },
  };
}
