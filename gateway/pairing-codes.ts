import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface IssuedCode {
  code: string;
  /** ISO 8601. */
  expiresAt: string;
}

export interface PairingCodes {
  /** A new one-time code, valid for the configured time. */
  issue(): IssuedCode;
  /** True exactly once for an outstanding, unexpired code; false for a wrong, used or expired one. */
  redeem(code: string): boolean;
  /** The code to show on the desktop: the last one shown if it has time left to be scanned, else a new one. */
  current(): IssuedCode;
}

export interface PairingCodesOptions {
  clock?: () => number;
  /** How long a code works. */
  ttlMs?: number;
  /** `current()` replaces a shown code that has less than this left, so a phone has time to use it. */
  minRemainingMs?: number;
  /** Outstanding codes kept at most; issuing past this drops the oldest. */
  maxOutstanding?: number;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * One-time pairing codes: 128 random bits each, kept in memory as SHA-256 hashes only, compared
 * in constant time, consumed on first use and forgotten once expired. Only the code currently
 * shown on the desktop is held in the clear, because the desktop has to draw it.
 */
export function createPairingCodes(options: PairingCodesOptions = {}): PairingCodes {
  const clock = options.clock ?? Date.now;
  const ttlMs = options.ttlMs ?? 10 * 60_000;
  const minRemainingMs = options.minRemainingMs ?? Math.min(2 * 60_000, ttlMs / 2);
  const maxOutstanding = options.maxOutstanding ?? 20;
  if (!(ttlMs > 0) || !(minRemainingMs >= 0) || minRemainingMs >= ttlMs || !(maxOutstanding >= 1)) {
    throw new RangeError('createPairingCodes: ttlMs must be positive, minRemainingMs below it, and maxOutstanding at least 1');
  }

  /** Outstanding codes by issue order: hash and expiry time. */
  let outstanding: { hash: Buffer; expiresAt: number }[] = [];
  let shown: { code: string; hash: Buffer; expiresAt: number } | undefined;

  function purge(now: number): void {
    outstanding = outstanding.filter((entry) => entry.expiresAt > now);
    if (shown && (shown.expiresAt <= now || !outstanding.some((entry) => entry.hash === shown!.hash))) shown = undefined;
  }

  function create(): { code: string; hash: Buffer; expiresAt: number } {
    const now = clock();
    purge(now);
    const code = randomBytes(16).toString('base64url');
    const entry = { hash: sha256(code), expiresAt: now + ttlMs };
    outstanding.push(entry);
    if (outstanding.length > maxOutstanding) outstanding.shift();
    return { code, ...entry };
  }

  const view = ({ code, expiresAt }: { code: string; expiresAt: number }): IssuedCode => ({ code, expiresAt: new Date(expiresAt).toISOString() });

  return {
    issue: () => view(create()),

    redeem(code) {
      if (typeof code !== 'string' || code.length === 0) return false;
      purge(clock());
      const presented = sha256(code);
      let match: { hash: Buffer; expiresAt: number } | undefined;
      for (const entry of outstanding) if (timingSafeEqual(presented, entry.hash)) match = entry;
      if (!match) return false;
      outstanding = outstanding.filter((entry) => entry !== match);
      if (shown?.hash === match.hash) shown = undefined;
      return true;
    },

    current() {
      const now = clock();
      purge(now);
      if (!shown || shown.expiresAt - now < minRemainingMs) shown = create();
      return view(shown);
    },
  };
}
