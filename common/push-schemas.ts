/**
 * The notification side of the gateway's HTTP contract: what a phone sends to subscribe to Web
 * Push, and what a push carries. The gateway validates with these, its OpenAPI document is
 * generated from them, and the phone client imports their types.
 */
import { z } from 'zod';

const base64url = (bytes: string) => z.string().regex(/^[A-Za-z0-9_-]+={0,2}$/, `not base64url (${bytes})`);

/** `GET /api/push/vapid-public-key`: the key a phone passes to `pushManager.subscribe` as `applicationServerKey`. */
export const vapidPublicKeySchema = z.object({ publicKey: z.string().describe('The VAPID public key: an uncompressed P-256 point, base64url.') });
export type VapidPublicKey = z.infer<typeof vapidPublicKeySchema>;

/**
 * `POST /api/push/subscriptions`: exactly what a browser's `PushSubscription.toJSON()` gives.
 * Whether the endpoint is a push service the gateway will post to is checked after this shape.
 */
export const pushSubscriptionSchema = z
  .object({
    endpoint: z.url({ protocol: /^https$/, error: 'use the https endpoint the browser gave' }).max(2048),
    expirationTime: z.number().nonnegative().nullable().optional(),
    keys: z
      .object({
        p256dh: base64url('a P-256 public key').min(80).max(100).describe("The browser's P-256 public key, base64url."),
        auth: base64url('a 16-byte secret').min(16).max(30).describe('The 16-byte authentication secret, base64url.'),
      })
      .strict(),
  })
  .strict();
export type PushSubscriptionJson = z.infer<typeof pushSubscriptionSchema>;

/** `DELETE /api/push/subscriptions`: stop pushing to this endpoint. */
export const pushUnsubscribeSchema = z.object({ endpoint: z.string().min(1).max(2048) }).strict();

/** What `POST /api/push/subscriptions` answers. */
export const pushSubscribedSchema = z.object({ endpoint: z.string(), deviceId: z.string() });

/** The task statuses a push is sent for. */
export const pushStatusSchema = z.enum(['succeeded', 'failed', 'needs_input', 'needs_approval']);
export type PushStatus = z.infer<typeof pushStatusSchema>;

/** The decrypted body of every Web Push the gateway sends; the service worker shows it. */
export const pushPayloadSchema = z.object({
  taskId: z.string(),
  status: pushStatusSchema,
  title: z.string(),
  body: z.string(),
  /** Same-origin path of the task's page, e.g. `/?task=task-…`. */
  url: z.string().startsWith('/'),
});
export type PushPayload = z.infer<typeof pushPayloadSchema>;
