import { Context } from '@temporalio/activity';

/**
 * Runs `work`, heartbeating every `everyMs` while it runs, when it runs as a regular activity: a
 * worker that dies mid-way is then noticed after the proxy's `heartbeatTimeout` (seconds) instead
 * of its `startToCloseTimeout` (minutes), and the retry starts on the restarted worker at once.
 * Local activities cannot heartbeat (their workflow task shows the worker is alive), and outside
 * an activity (unit tests) there is no one to tell; `work` then simply runs.
 */
export async function whileHeartbeating<T>(work: () => Promise<T>, everyMs: number): Promise<T> {
  const context = currentActivity();
  const timer = context && !context.info.isLocal ? setInterval(() => context.heartbeat(), everyMs) : undefined;
  try {
    return await work();
  } finally {
    if (timer) clearInterval(timer);
  }
}

/** The running activity's context, or undefined outside one. */
export function currentActivity(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}
