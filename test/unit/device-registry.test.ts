import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../common/config.js';
import { createDeviceRegistry } from '../../gateway/device-registry.js';

describe('the paired-phone registry', () => {
  let dir: string;
  let file: string;
  let now: number;
  const clock = () => now;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'od-devices-'));
    file = path.join(dir, 'home', 'devices.json');
    now = Date.parse('2030-01-01T09:00:00Z');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps paired phones across restarts, with only a hash of each token on disk (mode 0600)', async () => {
    const first = await createDeviceRegistry({ file, clock });
    const ana = await first.register('Ana');
    const ben = await first.register('Ben');
    expect(ana.deviceId).toMatch(/^dev_[A-Za-z0-9_-]{16}$/);
    expect(ana.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(ana.token).not.toBe(ben.token);

    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(ana.token);
    expect(text).not.toContain(ben.token);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(path.dirname(file))).toEqual(['devices.json']);

    const second = await createDeviceRegistry({ file, clock });
    expect(second.list().map((device) => device.name).sort()).toEqual(['Ana', 'Ben']);
    expect(second.authenticate(ana.token)?.id).toBe(ana.deviceId);
    expect(second.authenticate(ben.token)?.name).toBe('Ben');
    expect(second.authenticate(`${ana.token}x`)).toBeUndefined();
    expect(second.authenticate('')).toBeUndefined();
    expect(second.list()[0]).not.toHaveProperty('tokenHash');
    await second.flush();
  });

  it('renames and revokes; a revoked token stops working at once and stays revoked after a restart', async () => {
    const registry = await createDeviceRegistry({ file, clock });
    const { deviceId, token } = await registry.register('Old name');
    expect(await registry.rename(deviceId, '  New name ')).toBe(true);
    expect(registry.authenticate(token)?.name).toBe('New name');
    await expect(registry.rename(deviceId, '')).rejects.toThrow(RangeError);
    expect(await registry.revoke(deviceId)).toBe(true);
    expect(registry.authenticate(token)).toBeUndefined();
    expect(await registry.revoke(deviceId)).toBe(false);
    expect(await registry.rename(deviceId, 'Ghost')).toBe(false);
    expect((await createDeviceRegistry({ file, clock })).authenticate(token)).toBeUndefined();
  });

  it('records when a phone was last seen, writing it at most once a minute', async () => {
    const registry = await createDeviceRegistry({ file, clock });
    const { token } = await registry.register('Ana');
    const onDisk = async () => JSON.parse(await readFile(file, 'utf8')).devices[0].lastSeenAt as string | undefined;

    registry.authenticate(token);
    await registry.flush();
    expect(await onDisk()).toBe('2030-01-01T09:00:00.000Z');
    now += 30_000;
    expect(registry.authenticate(token)?.lastSeenAt).toBe('2030-01-01T09:00:30.000Z');
    await registry.flush();
    expect(await onDisk()).toBe('2030-01-01T09:00:00.000Z');
    now += 30_000;
    registry.authenticate(token);
    await registry.flush();
    expect(await onDisk()).toBe('2030-01-01T09:01:00.000Z');
  });

  it('refuses to start on a malformed file, naming the file', async () => {
    await writeFile(path.join(dir, 'broken.json'), '{"version":1,"devices":[{"id":"dev_x"');
    await expect(createDeviceRegistry({ file: path.join(dir, 'broken.json') })).rejects.toThrow(ConfigError);
    await writeFile(path.join(dir, 'wrong.json'), JSON.stringify({ version: 1, devices: [{ id: 'dev_AAAAAAAAAAAAAAAA', name: 'Ana', token: 'raw' }] }));
    await expect(createDeviceRegistry({ file: path.join(dir, 'wrong.json') })).rejects.toThrow(/wrong\.json is not a valid list of paired phones \(devices\.0/);
  });
});
