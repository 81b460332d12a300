import { KNOWN_PUSH_HOST_SUFFIX, KNOWN_PUSH_HOSTS } from '../common/push-config.js';

/**
 * Whether the gateway may post Web Push to this endpoint: https, no credentials in the address,
 * and either a browser's push service (FCM, Mozilla autopush, Apple, Windows) on its default
 * port, or an origin the person configured in DISPATCH_PUSH_ORIGINS. Checked when a phone
 * subscribes and again before every send, so the gateway never becomes a proxy to other hosts.
 */
export function isAllowedPushEndpoint(endpoint: string, extraOrigins: readonly string[]): boolean {
  if (!URL.canParse(endpoint)) return false;
  const url = new URL(endpoint);
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') return false;
  if (extraOrigins.includes(url.origin)) return true;
  if (url.port !== '') return false;
  return KNOWN_PUSH_HOSTS.includes(url.hostname) || (url.hostname.endsWith(KNOWN_PUSH_HOST_SUFFIX) && url.hostname.length > KNOWN_PUSH_HOST_SUFFIX.length);
}
