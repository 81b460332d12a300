export interface LimitVerdict {
  allowed: boolean;
  /** Whole seconds until another attempt is allowed; 0 when allowed. */
  retryAfterSeconds: number;
}

export interface FailureLimiter {
  /** Whether `key` (a client address) may try again now. Checking records nothing. */
  check(key: string): LimitVerdict;
  /** Counts one failed attempt by `key`, and towards the global limit. */
  recordFailure(key: string): void;
}

export interface FailureLimiterOptions {
  /** Failures one key may make within the window. */
  perKeyLimit?: number;
  /** Failures all keys together may make within the window; stops guessing from many addresses. */
  globalLimit?: number;
  windowMs?: number;
  clock?: () => number;
}

/**
 * Limits failed attempts (wrong pairing codes) over a sliding window, per client and in total.
 * Only failures count, so a person who pairs at the first try is never slowed down; once over a
 * limit every attempt is refused, right or wrong, until enough failures leave the window.
 */
export function createFailureLimiter(options: FailureLimiterOptions = {}): FailureLimiter {
  const perKeyLimit = options.perKeyLimit ?? 5;
  const globalLimit = options.globalLimit ?? 30;
  const windowMs = options.windowMs ?? 60_000;
  const clock = options.clock ?? Date.now;
  for (const [name, value] of Object.entries({ perKeyLimit, globalLimit, windowMs })) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`createFailureLimiter: ${name} must be a positive integer, got ${value}`);
  }

  const perKey = new Map<string, number[]>();
  let all: number[] = [];

  function prune(now: number): void {
    const cutoff = now - windowMs;
    all = all.filter((at) => at > cutoff);
    for (const [key, times] of perKey) {
      const recent = times.filter((at) => at > cutoff);
      if (recent.length === 0) perKey.delete(key);
      else perKey.set(key, recent);
    }
  }

  /** Milliseconds until fewer than `limit` of `times` (oldest first) are inside the window. */
  function waitFor(times: number[], limit: number, now: number): number {
    if (times.length < limit) return 0;
    return times[times.length - limit]! + windowMs - now;
  }

  return {
    check(key) {
      const now = clock();
      prune(now);
      const waitMs = Math.max(waitFor(perKey.get(key) ?? [], perKeyLimit, now), waitFor(all, globalLimit, now));
      return waitMs > 0 ? { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) } : { allowed: true, retryAfterSeconds: 0 };
    },

    recordFailure(key) {
      const now = clock();
      prune(now);
      perKey.set(key, [...(perKey.get(key) ?? []), now]);
      all.push(now);
    },
  };
}
