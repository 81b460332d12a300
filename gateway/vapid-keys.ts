import { chmod, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import webpush from 'web-push';
import { z } from 'zod';
import { writeFileAtomic } from '../common/atomic-file.js';
import { ConfigError } from '../common/config.js';

/** The gateway's VAPID key pair (RFC 8292): raw P-256 keys, base64url, as web-push and browsers take them. */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

const keysSchema = z
  .object({
    version: z.literal(1),
    publicKey: z.string().regex(/^[A-Za-z0-9_-]{86,88}$/),
    privateKey: z.string().regex(/^[A-Za-z0-9_-]{42,44}$/),
  })
  .strict();

/**
 * The VAPID key pair in `file`, made on first use and kept (mode 0600, its folder 0700): phones
 * subscribe with the public key, so a new pair would silently orphan every subscription. A file
 * that does not hold a valid pair stops start-up instead of being replaced.
 */
export async function loadVapidKeys(file: string): Promise<VapidKeys> {
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text === undefined) {
    const made = webpush.generateVAPIDKeys();
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      await writeFileAtomic(file, `${JSON.stringify({ version: 1, ...made }, null, 2)}\n`, { mode: 0o600, noClobber: true });
    } catch (error) {
      // Another gateway on this data folder made the pair first: use theirs.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadVapidKeys(file);
      throw error;
    }
    return made;
  }
  let parsed: ReturnType<typeof keysSchema.safeParse>;
  try {
    parsed = keysSchema.safeParse(JSON.parse(text));
  } catch {
    parsed = keysSchema.safeParse(undefined);
  }
  if (!parsed.success) {
    throw new ConfigError(`${file} does not hold a VAPID key pair. Delete it to make a new one; every phone then has to tap "Notify me" again.`);
  }
  await chmod(file, 0o600);
  return { publicKey: parsed.data.publicKey, privateKey: parsed.data.privateKey };
}
