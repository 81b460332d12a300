import { describe, expect, it } from 'vitest';
import { isLoopbackAddress } from '../../gateway/loopback.js';
import { createPairingCodes } from '../../gateway/pairing-codes.js';
import { clientKeyOf, createFailureLimiter } from '../../gateway/rate-limiter.js';

describe('one-time pairing codes', () => {
  it('redeem once, within ten minutes', () => {
    let now = 0;
    const codes = createPairingCodes({ clock: () => now });
    const { code, expiresAt } = codes.issue();
    expect(Buffer.from(code, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(expiresAt).toBe(new Date(600_000).toISOString());
    expect(codes.redeem(code.slice(0, -1))).toBe(false);
    expect(codes.redeem(code)).toBe(true);
    expect(codes.redeem(code)).toBe(false);
    const late = codes.issue().code;
    now += 600_000;
    expect(codes.redeem(late)).toBe(false);
  });

  it('shows the same code while it has over two minutes left, then a new one', () => {
    let now = 0;
    const codes = createPairingCodes({ clock: () => now });
    const shown = codes.current();
    now += 7 * 60_000;
    expect(codes.current()).toEqual(shown);
    now += 60_001;
    const next = codes.current();
    expect(next.code).not.toBe(shown.code);
    expect(codes.redeem(shown.code)).toBe(true);
    expect(codes.redeem(next.code)).toBe(true);
    expect(codes.current().code).not.toBe(next.code);
  });

  it('fails at start-up on nonsense settings', () => {
    expect(() => createPairingCodes({ ttlMs: 0 })).toThrow(RangeError);
    expect(() => createFailureLimiter({ perKeyLimit: 0 })).toThrow(/perKeyLimit/);
    expect(() => createFailureLimiter({ windowMs: 1.5 })).toThrow(/windowMs/);
  });
});

describe('the failed-attempt limiter', () => {
  it('limits one address, and all addresses together, over a sliding window', () => {
    let now = 0;
    const limiter = createFailureLimiter({ perKeyLimit: 2, globalLimit: 3, windowMs: 10_000, clock: () => now });
    limiter.recordFailure('a');
    now = 1_000;
    limiter.recordFailure('a');
    expect(limiter.check('a')).toEqual({ allowed: false, retryAfterSeconds: 9 });
    expect(limiter.check('b')).toEqual({ allowed: true, retryAfterSeconds: 0 });
    limiter.recordFailure('b');
    expect(limiter.check('c')).toEqual({ allowed: false, retryAfterSeconds: 9 });
    now = 10_000;
    expect(limiter.check('a').allowed).toBe(true);
    expect(limiter.check('c').allowed).toBe(true);
  });
});

describe('whose wrong codes count together', () => {
  it.each([
    ['192.0.2.7', '192.0.2.7'],
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff::1%eth0', '2001:db8:1:2::/64'],
    ['::1', '0:0:0:0::/64'],
    [undefined, 'unknown'],
  ])('%s counts as %s', (address, key) => {
    expect(clientKeyOf(address)).toBe(key);
  });

  it('holds bounded memory under a flood from many addresses, and drops the longest-remembered first', () => {
    const limiter = createFailureLimiter({ perKeyLimit: 2, globalLimit: 1_000_000, maxKeys: 100, clock: () => 0 });
    for (let i = 0; i < 1_000; i++) limiter.recordFailure(`10.0.${i >> 8}.${i & 255}`);
    limiter.recordFailure('10.0.3.231');
    expect(limiter.check('10.0.3.231').allowed).toBe(false);
    expect(limiter.check('10.0.0.0').allowed).toBe(true);
  });
});

describe('loopback addresses', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:10.0.0.7', false],
    ['10.0.0.7', false],
    ['192.168.1.20', false],
    ['128.0.0.1', false],
    ['fe80::1', false],
    ['::', false],
    ['localhost', false],
    ['', false],
    [undefined, false],
  ])('%s is loopback: %s', (address, expected) => {
    expect(isLoopbackAddress(address)).toBe(expected);
  });
});
