import { Router } from 'express';
import { z } from 'zod';
import { apiErrorSchema } from '../common/api-schemas.js';
import { pushSubscribedSchema, pushSubscriptionSchema, pushUnsubscribeSchema, vapidPublicKeySchema } from '../common/push-schemas.js';
import { defineRoute } from './define-route.js';
import { HttpError, unauthorized } from './http-error.js';
import type { PushSubscriptions } from './push-subscriptions.js';

const error = apiErrorSchema;
const removedSchema = z.object({ removed: z.boolean().describe('False when this phone had no such subscription.') });

export interface PushRouterDeps {
  publicKey: string;
  subscriptions: PushSubscriptions;
  /** Whether the gateway may post to this endpoint (see isAllowedPushEndpoint). */
  allowed: (endpoint: string) => boolean;
}

/** The paired device making the request; these routes are mounted behind requireDevice. */
function deviceId(locals: { device?: { id: string } }): string {
  if (!locals.device) throw unauthorized();
  return locals.device.id;
}

/**
 * `/push/*` under `/api`, behind the device check: the VAPID public key a phone subscribes with,
 * and its subscriptions. A subscription belongs to the device that made it; revoking the device
 * removes it. Only endpoints of known push services (or DISPATCH_PUSH_ORIGINS) are taken: 422.
 */
export function createPushRouter(deps: PushRouterDeps): Router {
  const router = Router();

  defineRoute(
    router,
    { method: 'get', path: '/push/vapid-public-key', summary: "The desktop's VAPID public key, for pushManager.subscribe", responses: { 200: vapidPublicKeySchema, 401: error } },
    (_input, _req, res) => {
      res.json({ publicKey: deps.publicKey });
    },
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: '/push/subscriptions',
      summary: "Notify this phone: a browser's PushSubscription.toJSON(); only known push services are accepted",
      body: pushSubscriptionSchema,
      responses: { 201: pushSubscribedSchema, 400: error, 401: error, 413: error, 422: error },
    },
    async ({ body }, _req, res) => {
      if (!deps.allowed(body.endpoint)) {
        throw new HttpError(
          422,
          'push_service_not_allowed',
          'endpoint: not a push service this desktop sends to (FCM, Mozilla, Apple, Windows, or one in DISPATCH_PUSH_ORIGINS).',
          'endpoint',
        );
      }
      const stored = await deps.subscriptions.add(deviceId(res.locals), body);
      res.status(201).json({ endpoint: stored.endpoint, deviceId: stored.deviceId });
    },
  );

  defineRoute(
    router,
    { method: 'delete', path: '/push/subscriptions', summary: 'Stop notifying this phone at this endpoint', body: pushUnsubscribeSchema, responses: { 200: removedSchema, 401: error, 422: error } },
    async ({ body }, _req, res) => {
      res.json({ removed: await deps.subscriptions.remove(body.endpoint, deviceId(res.locals)) });
    },
  );

  return router;
}
