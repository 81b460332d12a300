import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomicSync } from '../common/atomic-file.js';
import type { KeepAwakeState } from './keep-awake.js';

const FILE = 'keep-awake.json';

/**
 * The worker runs in its own process; it leaves its keep-awake state in the data folder so the
 * gateway's setup page can show it. Best effort: a failed write only leaves the page less informed.
 */
export function writeKeepAwakeState(home: string, state: KeepAwakeState): void {
  const file = path.join(home, FILE);
  try {
    writeFileAtomicSync(file, JSON.stringify({ ...state, updatedAt: new Date().toISOString() }), { durable: false });
  } catch {
    // The data folder is written elsewhere too; a problem there shows up louder than here.
  }
}

/** The worker's last reported keep-awake state, or "unknown" before its first report. */
export function readKeepAwakeState(home: string): KeepAwakeState {
  try {
    const parsed = JSON.parse(readFileSync(path.join(home, FILE), 'utf8')) as Partial<KeepAwakeState>;
    return { mode: String(parsed.mode ?? 'unknown'), active: parsed.active === true };
  } catch {
    return { mode: 'unknown', active: false };
  }
}
