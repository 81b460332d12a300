import path from 'node:path';
import { z } from 'zod';

/**
 * The push services the gateway sends Web Push to without being told: the ones browsers
 * subscribe with. Anything else must be named in DISPATCH_PUSH_ORIGINS, so a paired phone cannot
 * make the desktop post to an arbitrary host.
 */
export const KNOWN_PUSH_HOSTS: readonly string[] = ['fcm.googleapis.com', 'updates.push.services.mozilla.com', 'web.push.apple.com'];
/** Windows' push service spreads over sub-domains of this one. */
export const KNOWN_PUSH_HOST_SUFFIX = '.notify.windows.com';

/** Notifications: Web Push to paired phones, and optionally an ntfy topic. */
export interface PushConfig {
  /** DISPATCH_PUSH_ORIGINS: more push service origins (`https://host[:port]`) subscriptions may point at. */
  extraOrigins: string[];
  /** The VAPID `sub` claim: a contact a push service can reach (Apple refuses localhost ones). */
  subject: string;
  /** DISPATCH_NTFY_URL and DISPATCH_NTFY_TOKEN: an ntfy topic to post to as well. */
  ntfy?: { url: string; token?: string };
  paths: {
    /** The VAPID key pair, made once (mode 0600). */
    vapid: string;
    /** The phones' push subscriptions. */
    subscriptions: string;
    /** Which task changes were already notified, so a restart neither loses nor repeats one. */
    notified: string;
  };
}

/** Used when no https public address can stand for the gateway: resolvable, as Apple requires. */
export const FALLBACK_PUSH_SUBJECT = 'mailto:opendispatch@users.noreply.github.com';

const blankIsUnset = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const originList = z
  .string()
  .transform((text, context) => {
    const origins: string[] = [];
    for (const entry of text.split(',').map((part) => part.trim()).filter(Boolean)) {
      const url = URL.canParse(entry) ? new URL(entry) : undefined;
      if (!url || url.protocol !== 'https:' || url.origin !== entry.replace(/\/+$/, '')) {
        context.addIssue({ code: 'custom', message: `"${entry}" is not an https origin such as https://push.example.org or https://127.0.0.1:8443` });
        return z.NEVER;
      }
      origins.push(url.origin);
    }
    return origins;
  })
  .optional();

const pushEnvironmentSchema = z.object({
  DISPATCH_PUSH_ORIGINS: z.preprocess(blankIsUnset, originList),
  DISPATCH_PUSH_SUBJECT: z.preprocess(
    blankIsUnset,
    z.string().trim().regex(/^(mailto:[^@\s]+@[^@\s]+|https:\/\/\S+)$/, 'use mailto:you@example.org or an https:// address').optional(),
  ),
  DISPATCH_NTFY_URL: z.preprocess(blankIsUnset, z.url({ protocol: /^https?$/, error: 'use the http(s) address of an ntfy topic, e.g. https://ntfy.sh/my-topic' }).optional()),
  DISPATCH_NTFY_TOKEN: z.preprocess(blankIsUnset, z.string().trim().regex(/^[\x21-\x7e]{1,512}$/, 'use the access token ntfy gave you').optional()),
});

/** An https public address that is not a local name can be the VAPID subject as it is. */
function subjectFrom(publicUrl: string | undefined): string {
  if (!publicUrl?.startsWith('https://')) return FALLBACK_PUSH_SUBJECT;
  const host = new URL(publicUrl).hostname;
  return host === 'localhost' || host.endsWith('.local') || /^[\d.]+$|^\[/.test(host) ? FALLBACK_PUSH_SUBJECT : new URL(publicUrl).origin;
}

/**
 * Reads the notification settings. Returns the problems instead of throwing, so `loadConfig`
 * reports them with every other bad variable at once.
 */
export function parsePushConfig(environment: NodeJS.ProcessEnv, home: string, publicUrl: string | undefined): { config?: PushConfig; problems: string[] } {
  const parsed = pushEnvironmentSchema.safeParse(environment);
  if (!parsed.success) return { problems: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) };
  const env = parsed.data;
  if (env.DISPATCH_NTFY_TOKEN && !env.DISPATCH_NTFY_URL) return { problems: ['DISPATCH_NTFY_TOKEN: set DISPATCH_NTFY_URL too, or unset it'] };
  const folder = path.join(home, 'push');
  return {
    problems: [],
    config: {
      extraOrigins: env.DISPATCH_PUSH_ORIGINS ?? [],
      subject: env.DISPATCH_PUSH_SUBJECT ?? subjectFrom(publicUrl),
      ...(env.DISPATCH_NTFY_URL ? { ntfy: { url: env.DISPATCH_NTFY_URL, ...(env.DISPATCH_NTFY_TOKEN ? { token: env.DISPATCH_NTFY_TOKEN } : {}) } } : {}),
      paths: { vapid: path.join(folder, 'vapid.json'), subscriptions: path.join(folder, 'subscriptions.json'), notified: path.join(folder, 'notified.json') },
    },
  };
}
