import type { PushSubscriptionJson } from '../../common/push-schemas.js';
import type { ApiClient } from './api.js';

/** Where this phone stands with notifications, as the "Notify me" control shows it. */
export type PushState =
  | { kind: 'unsupported'; reason: 'ios-home-screen' | 'browser' }
  | { kind: 'blocked' }
  | { kind: 'off' }
  | { kind: 'on' };

/** An iPhone or iPad browsing in Safari, not the Home Screen app: iOS gives Web Push only to the latter (16.4+). */
export function isIosOutsideHomeScreen(): boolean {
  const ios = /iPhone|iPad|iPod/.test(navigator.userAgent) || (navigator.userAgent.includes('Macintosh') && navigator.maxTouchPoints > 1);
  const standalone = matchMedia('(display-mode: standalone)').matches || (navigator as Navigator & { standalone?: boolean }).standalone === true;
  return ios && !standalone;
}

const supported = (): boolean => 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

/** The service worker's registration, or undefined when none is active soon (development, or blocked). */
async function registration(timeoutMs = 5_000): Promise<ServiceWorkerRegistration | undefined> {
  return Promise.race([navigator.serviceWorker.ready, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), timeoutMs))]);
}

/** The VAPID key as `applicationServerKey` wants it. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * How things stand now, without asking the person anything. A subscription the browser still has
 * is handed to the gateway again (it is idempotent there), so one the desktop dropped (a re-paired
 * phone, a lost file) comes back without a tap.
 */
export async function currentPushState(api: ApiClient): Promise<PushState> {
  if (isIosOutsideHomeScreen()) return { kind: 'unsupported', reason: 'ios-home-screen' };
  if (!supported()) return { kind: 'unsupported', reason: 'browser' };
  if (Notification.permission === 'denied') return { kind: 'blocked' };
  const existing = await (await registration(1_000))?.pushManager.getSubscription();
  if (!existing || Notification.permission !== 'granted') return { kind: 'off' };
  await api.subscribePush(subscriptionJson(existing)).catch(() => undefined);
  return { kind: 'on' };
}

/** `PushSubscription.toJSON()` in the shape the gateway takes. */
function subscriptionJson(subscription: PushSubscription): PushSubscriptionJson {
  const json = subscription.toJSON();
  return { endpoint: json.endpoint ?? subscription.endpoint, expirationTime: json.expirationTime ?? null, keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' } };
}

/**
 * Turns notifications on. Must run from a tap: browsers only show the permission prompt then.
 * Subscribes with the desktop's VAPID key (again, when an old subscription used another key)
 * and hands the subscription to the gateway.
 */
export async function enablePush(api: ApiClient): Promise<PushState> {
  const permission = await Notification.requestPermission();
  if (permission === 'denied') return { kind: 'blocked' };
  if (permission !== 'granted') return { kind: 'off' };
  const ready = await registration();
  if (!ready) throw new Error('This page is not ready for notifications yet. Reload it and try again.');
  const key = keyBytes(await api.pushPublicKey());
  let subscription = await ready.pushManager.getSubscription();
  const oldKey = subscription?.options.applicationServerKey;
  if (subscription && oldKey && !sameBytes(new Uint8Array(oldKey), key)) {
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ??= await ready.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  await api.subscribePush(subscriptionJson(subscription));
  return { kind: 'on' };
}

/** Turns notifications off for this phone: at the gateway first, then in the browser. */
export async function disablePush(api: ApiClient): Promise<PushState> {
  const subscription = await (await registration(1_000))?.pushManager.getSubscription();
  if (subscription) {
    await api.unsubscribePush(subscription.endpoint);
    await subscription.unsubscribe();
  }
  return { kind: 'off' };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
