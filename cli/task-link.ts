import type { DispatchConfig } from '../common/config.js';
import { resolvePublicUrl } from '../gateway/public-url.js';
import { urlForRoute } from '../mobile-web/src/route.js';

/**
 * A task's page on the phone: the gateway's public address (as `opendispatch start` resolves it)
 * plus the phone client's own route for a task, taken from mobile-web/src/route.ts so the two
 * never drift apart. Opens on a paired phone; elsewhere the page asks to pair first.
 */
export function taskPhoneUrl(config: Pick<Readonly<DispatchConfig>, 'gateway'>, taskId: string): string {
  const base = resolvePublicUrl({ configured: config.gateway.publicUrl, port: config.gateway.port });
  return `${base.replace(/\/+$/, '')}${urlForRoute({ name: 'task', id: taskId })}`;
}
