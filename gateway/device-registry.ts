import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { pairRequestSchema } from '../common/api-schemas.js';
import { ConfigError } from '../common/config.js';
import { createLogger, type Logger } from '../common/logger.js';

/** A paired phone as the rest of the gateway sees it; its token hash never leaves this module. */
export interface Device {
  id: string;
  name: string;
  createdAt: string;
  lastSeenAt?: string;
}

export interface DeviceRegistry {
  /** Pairs a phone. The token is returned once and only its hash is kept. Resolves once saved. */
  register(name: string): Promise<{ deviceId: string; token: string }>;
  /** The device a token belongs to, or undefined; records when the device was last seen. */
  authenticate(token: string): Device | undefined;
  list(): Device[];
  /** False when no such device is paired. */
  rename(id: string, name: string): Promise<boolean>;
  /** Unpairs a device; its token stops working before this resolves. False when it was not paired. */
  revoke(id: string): Promise<boolean>;
  /** Waits for pending writes of the file. */
  flush(): Promise<void>;
}

export interface DeviceRegistryOptions {
  /** The JSON file paired devices are kept in, under the data folder. */
  file: string;
  clock?: () => number;
  /** How often at most a device's last-seen time is written to disk. */
  lastSeenWriteIntervalMs?: number;
  logger?: Logger;
  /** Called after a device is revoked, for what else it owned (its push subscriptions). */
  onRevoke?: (id: string) => void | Promise<void>;
}

export const DEVICE_ID_PATTERN = /^dev_[A-Za-z0-9_-]{16}$/;
/** The same rule as pairing: 1 to 64 characters once trimmed. */
export const deviceNameSchema = pairRequestSchema.shape.name;
const MAX_TOKEN_LENGTH = 512;

const storedDeviceSchema = z
  .object({
    id: z.string().regex(DEVICE_ID_PATTERN),
    name: deviceNameSchema,
    tokenHash: z.string().regex(/^[0-9a-f]{64}$/),
    createdAt: z.iso.datetime(),
    lastSeenAt: z.iso.datetime().optional(),
  })
  .strict();
const fileSchema = z.object({ version: z.literal(1), devices: z.array(storedDeviceSchema) }).strict();
type StoredDevice = z.infer<typeof storedDeviceSchema>;

function checkedName(name: string): string {
  const result = deviceNameSchema.safeParse(name);
  if (!result.success) throw new RangeError('A phone\'s name must be 1 to 64 characters.');
  return result.data;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
const publicView = ({ tokenHash: _hash, ...device }: StoredDevice): Device => ({ ...device });

async function load(file: string): Promise<StoredDevice[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(`${file} is not valid JSON. Fix it, or delete it to unpair every phone.`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${file} is not a valid list of paired phones (${issue.path.join('.') || 'file'}: ${issue.message}). Fix it, or delete it to unpair every phone.`);
  }
  return parsed.data.devices;
}

/**
 * The phones paired with this desktop, persisted in `file` (written atomically, mode 0600).
 * Tokens are 256 random bits; only their SHA-256 is stored, so the file cannot be replayed as a
 * credential. A malformed file fails at start-up rather than silently unpairing everyone.
 */
export async function createDeviceRegistry(options: DeviceRegistryOptions): Promise<DeviceRegistry> {
  const { file } = options;
  const clock = options.clock ?? Date.now;
  const lastSeenWriteIntervalMs = options.lastSeenWriteIntervalMs ?? 60_000;
  const logger = options.logger ?? createLogger('devices');
  const devices = new Map<string, StoredDevice>((await load(file)).map((device) => [device.id, device]));
  const lastSeenWritten = new Map<string, number>();
  let writing: Promise<void> = Promise.resolve();

  const now = (): string => new Date(clock()).toISOString();

  async function writeFileAtomically(): Promise<void> {
    const text = `${JSON.stringify({ version: 1, devices: [...devices.values()] }, null, 2)}\n`;
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      await writeFile(temporary, text, { mode: 0o600, flush: true });
      await rename(temporary, file);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  /** Queues a write of the current state; writes never interleave, and a failed one does not block later ones. */
  function save(): Promise<void> {
    const done = writing.then(writeFileAtomically);
    writing = done.catch(() => {});
    return done;
  }

  return {
    async register(name) {
      const checked = checkedName(name);
      const token = randomBytes(32).toString('base64url');
      let id: string;
      do id = `dev_${randomBytes(12).toString('base64url')}`;
      while (devices.has(id));
      devices.set(id, { id, name: checked, tokenHash: sha256(token).toString('hex'), createdAt: now() });
      try {
        await save();
      } catch (error) {
        devices.delete(id);
        throw error;
      }
      return { deviceId: id, token };
    },

    authenticate(token) {
      if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return undefined;
      const presented = sha256(token);
      // Every stored hash is compared, in constant time and without stopping at a match.
      let match: StoredDevice | undefined;
      for (const device of devices.values()) {
        if (timingSafeEqual(presented, Buffer.from(device.tokenHash, 'hex'))) match = device;
      }
      if (!match) return undefined;
      const at = clock();
      match.lastSeenAt = new Date(at).toISOString();
      if (at - (lastSeenWritten.get(match.id) ?? -Infinity) >= lastSeenWriteIntervalMs) {
        lastSeenWritten.set(match.id, at);
        save().catch((error: unknown) => logger.warn('could not record when a phone was last seen', { file, error: String(error) }));
      }
      return publicView(match);
    },

    list: () => [...devices.values()].map(publicView),

    async rename(id, name) {
      const checked = checkedName(name);
      const device = devices.get(id);
      if (!device) return false;
      device.name = checked;
      await save();
      return true;
    },

    async revoke(id) {
      if (!devices.delete(id)) return false;
      lastSeenWritten.delete(id);
      await save();
      await Promise.resolve(options.onRevoke?.(id)).catch((error: unknown) => logger.warn('could not forget what a revoked phone owned', { error: String(error) }));
      return true;
    },

    flush: () => writing,
  };
}
