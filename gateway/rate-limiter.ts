export interface LimitVerdict {
  allowed: boolean;
  /** Whole seconds until another attempt is allowed; 0 when allowed. */
  retryAfterSeconds: number;
}

export interface FailureLimiter {
  /** Whether `key` (a client) may fail again now: false once it, or all clients together, used up the window. Records nothing. */
  check(key: string): LimitVerdict;
  /** Counts one failed attempt by `key`, and towards the global limit. Call it only while `check` allows. */
  recordFailure(key: string): void;
}

export interface FailureLimiterOptions {
  /** Failures one key may make within the window. */
  perKeyLimit?: number;
  /** Failures all keys together may make within the window; a tunnel that shows every client as one address does not get past it. */
  globalLimit?: number;
  windowMs?: number;
  /** Keys remembered at most; past this the longest-remembered one is forgotten, so a flood from many addresses holds bounded memory. */
  maxKeys?: number;
  clock?: () => number;
}

/**
 * Counts failed attempts (wrong pairing codes) over a sliding window, per client and in total.
 * Only failures count, and it is up to the caller what a used-up window means; pairing checks a
 * code before it asks, so a right code is never refused. Memory stays bounded under a flood: a
 * key holds at most its limit of timestamps (failures past it are not recorded), and at most
 * `maxKeys` keys are kept.
 */
export function createFailureLimiter(options: FailureLimiterOptions = {}): FailureLimiter {
  const perKeyLimit = options.perKeyLimit ?? 5;
  const globalLimit = options.globalLimit ?? 30;
  const windowMs = options.windowMs ?? 60_000;
  const maxKeys = options.maxKeys ?? 10_000;
  const clock = options.clock ?? Date.now;
  for (const [name, value] of Object.entries({ perKeyLimit, globalLimit, windowMs, maxKeys })) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`createFailureLimiter: ${name} must be a positive integer, got ${value}`);
  }

  const perKey = new Map<string, number[]>();
  let all: number[] = [];
  let lastSweep = 0;

  const recent = (times: number[], now: number): number[] => times.filter((at) => at > now - windowMs);

  /** Drops what left the window: the global list always, every key now and then (a sweep is O(keys)). */
  function prune(now: number): void {
    all = recent(all, now);
    if (now - lastSweep < windowMs / 4) return;
    lastSweep = now;
    for (const [key, times] of perKey) {
      const kept = recent(times, now);
      if (kept.length === 0) perKey.delete(key);
      else perKey.set(key, kept);
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
      const mine = recent(perKey.get(key) ?? [], now);
      const waitMs = Math.max(waitFor(mine, perKeyLimit, now), waitFor(all, globalLimit, now));
      return waitMs > 0 ? { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) } : { allowed: true, retryAfterSeconds: 0 };
    },

    recordFailure(key) {
      const now = clock();
      prune(now);
      const mine = recent(perKey.get(key) ?? [], now);
      perKey.delete(key);
      perKey.set(key, [...mine, now].slice(-perKeyLimit));
      if (perKey.size > maxKeys) perKey.delete(perKey.keys().next().value!);
      all = [...all, now].slice(-globalLimit);
    },
  };
}

/** The eight 16-bit groups of an IPv6 address, or undefined when it is not one. */
function ipv6Groups(address: string): number[] | undefined {
  const [head, tail, extra] = address.split('::');
  if (extra !== undefined) return undefined;
  const parse = (part: string | undefined): number[] | undefined => {
    if (!part) return [];
    const groups = part.split(':').map((group) => (/^[0-9a-f]{1,4}$/i.test(group) ? Number.parseInt(group, 16) : Number.NaN));
    return groups.some(Number.isNaN) ? undefined : groups;
  };
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  if (!left || !right) return undefined;
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
  return [...left, ...Array<number>(missing).fill(0), ...right];
}

/**
 * The key a client's failures are counted under: an IPv4 address as it is (also when it arrives
 * IPv4-mapped), an IPv6 address by the /64 it is in, because one subscriber usually holds a whole
 * /64 and could otherwise change address with every guess.
 */
export function clientKeyOf(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const groups = ipv6Groups(address.split('%')[0]!);
  return groups ? `${groups.slice(0, 4).map((group) => group.toString(16)).join(':')}::/64` : address;
}
