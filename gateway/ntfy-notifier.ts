import { taskPath, type NotificationText } from './notification-text.js';

export interface NtfyNotifierOptions {
  /** The topic's address, e.g. https://ntfy.sh/my-secret-topic (DISPATCH_NTFY_URL). */
  url: string;
  /** Bearer token for a protected topic (DISPATCH_NTFY_TOKEN). */
  token?: string;
  /** Where phones open the gateway; a tap on the notification opens the task there. */
  publicUrl: string;
  timeoutMs?: number;
}

/**
 * Posts a change to an ntfy topic: `Title`, `Priority` (high when the task needs the person),
 * `Tags` and `Click` (the task's page) as headers, and as the body only the prompt's first line
 * and the outcome: ntfy servers are often shared, so no result text, question or screenshot goes there.
 */
export function createNtfyNotifier(options: NtfyNotifierOptions): { notify(taskId: string, text: NotificationText): Promise<void> } {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async notify(taskId, text) {
      const headers: Record<string, string> = {
        'Content-Type': 'text/plain; charset=utf-8',
        Title: text.ntfy.title,
        Priority: text.ntfy.priority,
        Tags: text.ntfy.tags,
        Click: `${options.publicUrl}${taskPath(taskId)}`,
        ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
      };
      const response = await fetch(options.url, { method: 'POST', headers, body: text.ntfy.body, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`ntfy answered HTTP ${response.status}`);
    },
  };
}
