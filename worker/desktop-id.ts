import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DESKTOP_ID_PATTERN } from '../common/desktop-id.js';

/** Makes a host name usable as a desktop id (and so in a task queue name). */
export function desktopIdFromHostname(hostname: string): string {
  const cleaned = hostname.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 63);
  return DESKTOP_ID_PATTERN.test(cleaned) ? cleaned : 'desktop';
}

/**
 * The desktop's id: DISPATCH_DESKTOP_ID when set, otherwise the one recorded in the data folder
 * on first start (from the host name). Recording it keeps the task queue, and so every queued
 * task, stable even if the machine is renamed later.
 */
export async function resolveDesktopId(options: { configured?: string; home: string }): Promise<string> {
  if (options.configured) return options.configured;
  const file = path.join(options.home, 'desktop-id');
  try {
    const recorded = (await readFile(file, 'utf8')).trim();
    if (DESKTOP_ID_PATTERN.test(recorded)) return recorded;
  } catch {
    // First start: record one below.
  }
  const id = desktopIdFromHostname(os.hostname());
  await mkdir(options.home, { recursive: true, mode: 0o700 });
  await writeFile(file, `${id}\n`, { mode: 0o600 });
  return id;
}
