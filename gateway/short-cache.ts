/** Answers by key, each loaded once and shared for a short while (see `createShortCache`). */
export interface ShortCache<V> {
  /**
   * The value for `key`: a fresh cached one; else a recent one while a new one loads in the
   * background; else the one being loaded (every caller meanwhile shares that one load).
   */
  get(key: string, load: () => Promise<V>): Promise<V>;
  /** Forgets everything: the next `get` of any key waits for a load that starts after this call. */
  invalidate(): void;
}

/** How long answers are served from memory, and how many are kept. */
export interface ShortCacheOptions {
  /** Served as is for this long after its load started. */
  freshMs: number;
  /** Served while a new value loads in the background until this old; older ones are waited for. */
  staleMs: number;
  /** Keys kept at most; the least recently used goes first. */
  maxEntries: number;
  now?: () => number;
}

interface Entry<V> {
  value: Promise<V>;
  startedAt: number;
  generation: number;
  settled: boolean;
  refreshing: boolean;
}

/**
 * A small in-memory cache for answers many clients ask for at once (the task list): identical
 * requests share one load, and a recent answer is served while a newer one loads, so a burst
 * costs the backend one call per key per `freshMs` and nobody waits on it once warm. A failed
 * load is not kept.
 */
export function createShortCache<V>(options: ShortCacheOptions): ShortCache<V> {
  const { freshMs, staleMs, maxEntries } = options;
  const now = options.now ?? Date.now;
  if (!(freshMs >= 0 && staleMs >= freshMs && Number.isInteger(maxEntries) && maxEntries >= 1)) {
    throw new RangeError('createShortCache: need 0 <= freshMs <= staleMs and maxEntries >= 1');
  }
  const entries = new Map<string, Entry<V>>();
  let generation = 0;

  const remember = (key: string, entry: Entry<V>): void => {
    entries.delete(key);
    entries.set(key, entry);
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
  };

  const start = (key: string, load: () => Promise<V>): Entry<V> => {
    const entry: Entry<V> = { value: Promise.resolve().then(load), startedAt: now(), generation, settled: false, refreshing: false };
    entry.value.then(
      () => (entry.settled = true),
      () => {
        if (entries.get(key) === entry) entries.delete(key);
      },
    );
    return entry;
  };

  const refresh = (key: string, stale: Entry<V>, load: () => Promise<V>): void => {
    stale.refreshing = true;
    const next = start(key, load);
    next.value.then(
      () => {
        if (entries.get(key) === stale) remember(key, next);
      },
      () => (stale.refreshing = false),
    );
  };

  return {
    get(key, load) {
      const entry = entries.get(key);
      if (entry && entry.generation === generation) {
        const age = now() - entry.startedAt;
        if (age < freshMs || !entry.settled) {
          remember(key, entry);
          return entry.value;
        }
        if (age < staleMs) {
          if (!entry.refreshing) refresh(key, entry, load);
          remember(key, entry);
          return entry.value;
        }
      }
      const fresh = start(key, load);
      remember(key, fresh);
      return fresh.value;
    },
    invalidate() {
      generation++;
      entries.clear();
    },
  };
}
