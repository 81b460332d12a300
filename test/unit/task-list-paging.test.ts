import { describe, expect, it } from 'vitest';
import { taskListQuerySchema } from '../../common/api-schemas.js';
import { createShortCache } from '../../gateway/short-cache.js';
import { createCursorCodec, outcomeFromProgress } from '../../gateway/task-list.js';

describe('the task list query', () => {
  it('takes a limit from 1 to 100 (50 by default) and an opaque cursor', () => {
    expect(taskListQuerySchema.parse({})).toEqual({ limit: 50 });
    expect(taskListQuerySchema.parse({ limit: '100', cursor: 'eyJhIjoxfQ' })).toEqual({ limit: 100, cursor: 'eyJhIjoxfQ' });
    for (const bad of [{ limit: '0' }, { limit: '101' }, { limit: '1.5' }, { limit: 'ten' }, { limit: ['1', '2'] }, { cursor: '' }, { cursor: 'a b' }, { cursor: 'x'.repeat(4097) }, { page: '2' }]) {
      expect(taskListQuerySchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('turns Temporal page tokens into cursors and back, and refuses one it did not make', () => {
    const codec = createCursorCodec();
    const token = new Uint8Array([123, 34, 0, 255, 10]);
    const cursor = codec.encode(token);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(codec.decode(cursor)).toEqual(Buffer.from(token));
    const altered = Buffer.from(cursor, 'base64url');
    altered[0] = altered[0]! ^ 1;
    for (const bad of ['AB', 'A', 'AAAA', altered.toString('base64url'), `${cursor}A`, createCursorCodec().encode(token)]) {
      expect(() => codec.decode(bad), bad).toThrow(/cursor/);
    }
  });
});

describe('a finished task in the list, from its memo alone', () => {
  it.each([
    ['Done', 'succeeded'],
    ['Ended: cancelled', 'cancelled'],
    ['Ended: max steps', 'failed'],
    ['Ended: timed out', 'failed'],
    ['Ended: declined', 'failed'],
    [undefined, 'failed'],
  ])('last step %s → %s', (currentStep, outcome) => {
    expect(outcomeFromProgress(currentStep === undefined ? undefined : { phase: 'finished', currentStep })).toBe(outcome);
  });
});

describe('the short cache in front of the task list', () => {
  it('shares one load among callers, serves a recent answer while it reloads, and waits once it is old', async () => {
    let now = 0;
    let loads = 0;
    const cache = createShortCache<number>({ freshMs: 500, staleMs: 1000, maxEntries: 2, now: () => now });
    const load = async () => ++loads;
    expect(await Promise.all([cache.get('a', load), cache.get('a', load), cache.get('a', load)])).toEqual([1, 1, 1]);
    now = 400;
    expect(await cache.get('a', load)).toBe(1);
    now = 700;
    expect(await cache.get('a', load)).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(loads).toBe(2);
    expect(await cache.get('a', load)).toBe(2);
    now = 5_000;
    expect(await cache.get('a', load)).toBe(3);
  });

  it('forgets everything when told, and keeps no failed load', async () => {
    let loads = 0;
    const cache = createShortCache<number>({ freshMs: 10_000, staleMs: 10_000, maxEntries: 4 });
    await cache.get('a', async () => ++loads);
    cache.invalidate();
    expect(await cache.get('a', async () => ++loads)).toBe(2);
    await expect(cache.get('b', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('b', async () => 7)).toBe(7);
  });

  it('keeps at most maxEntries keys', async () => {
    let loads = 0;
    const cache = createShortCache<number>({ freshMs: 10_000, staleMs: 10_000, maxEntries: 2 });
    for (const key of ['a', 'b', 'c']) await cache.get(key, async () => ++loads);
    expect(await cache.get('a', async () => ++loads)).toBe(4);
    expect(await cache.get('c', async () => ++loads)).toBe(3);
  });
});
