import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../common/atomic-file.js';
import { ConfigError } from '../common/config.js';
import { pushSubscriptionSchema, type PushSubscriptionJson } from '../common/push-schemas.js';

/** A phone's Web Push subscription, owned by the paired device that made it. */
export interface StoredPushSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  /** When the browser says the subscription ends (ms since the epoch), if it does. */
  expirationTime: number | null;
  deviceId: string;
  createdAt: string;
}

export interface PushSubscriptions {
  /** Adds or replaces the subscription for its endpoint; the requesting device owns it from now on. */
  add(deviceId: string, subscription: PushSubscriptionJson): Promise<StoredPushSubscription>;
  /** Removes one endpoint, only if `deviceId` (when given) owns it. False when nothing was removed. */
  remove(endpoint: string, deviceId?: string): Promise<boolean>;
  /** Removes every subscription of a device (it was revoked). */
  removeDevice(deviceId: string): Promise<number>;
  list(): StoredPushSubscription[];
}

/** Subscriptions kept per paired device; the oldest goes when another is added. */
export const MAX_PER_DEVICE = 4;

const storedSchema = pushSubscriptionSchema
  .extend({ expirationTime: z.number().nullable(), deviceId: z.string().min(1), createdAt: z.iso.datetime() })
  .strict();
const fileSchema = z.object({ version: z.literal(1), subscriptions: z.array(storedSchema) }).strict();

async function load(file: string): Promise<StoredPushSubscription[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(`${file} is not a valid list of push subscriptions. Delete it; phones then tap "Notify me" again.`);
  return parsed.data.subscriptions;
}

/**
 * The phones' push subscriptions, persisted in `file` (replaced atomically, mode 0600: an
 * endpoint and its keys are enough to send that phone notifications). Writes never interleave.
 */
export async function createPushSubscriptions(options: { file: string; clock?: () => number }): Promise<PushSubscriptions> {
  const { file } = options;
  const clock = options.clock ?? Date.now;
  const byEndpoint = new Map((await load(file)).map((subscription) => [subscription.endpoint, subscription]));
  let writing: Promise<void> = Promise.resolve();

  function save(): Promise<void> {
    const text = `${JSON.stringify({ version: 1, subscriptions: [...byEndpoint.values()] }, null, 2)}\n`;
    const done = writing.then(async () => {
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      await writeFileAtomic(file, text, { mode: 0o600 });
    });
    writing = done.catch(() => {});
    return done;
  }

  return {
    async add(deviceId, subscription) {
      const stored: StoredPushSubscription = {
        endpoint: subscription.endpoint,
        keys: { p256dh: subscription.keys.p256dh, auth: subscription.keys.auth },
        expirationTime: subscription.expirationTime ?? null,
        deviceId,
        createdAt: new Date(clock()).toISOString(),
      };
      byEndpoint.delete(stored.endpoint);
      byEndpoint.set(stored.endpoint, stored);
      // A phone has a browser or two; more endpoints than this only multiply every send.
      const owned = [...byEndpoint.values()].filter((other) => other.deviceId === deviceId);
      for (const stale of owned.slice(0, Math.max(0, owned.length - MAX_PER_DEVICE))) byEndpoint.delete(stale.endpoint);
      await save();
      return stored;
    },

    async remove(endpoint, deviceId) {
      const found = byEndpoint.get(endpoint);
      if (!found || (deviceId !== undefined && found.deviceId !== deviceId)) return false;
      byEndpoint.delete(endpoint);
      await save();
      return true;
    },

    async removeDevice(deviceId) {
      const owned = [...byEndpoint.values()].filter((subscription) => subscription.deviceId === deviceId);
      for (const subscription of owned) byEndpoint.delete(subscription.endpoint);
      if (owned.length > 0) await save();
      return owned.length;
    },

    list: () => [...byEndpoint.values()],
  };
}
