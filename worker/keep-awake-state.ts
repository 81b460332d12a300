import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomicSync } from '../common/atomic-file.js';
import type { KeepAwakeState } from './keep-awake.js';

const FILE = 'keep-awake.json';

/** The keep-awake state file, as the gateway trusts it: written by the worker, read by another process. */
const keepAwakeReportSchema = z.object({
  mode: z.string().min(1).max(100),
  active: z.boolean(),
  reason: z.string().max(1000).optional(),
  /** When the worker wrote it, ISO 8601. */
  updatedAt: z.string().max(40).optional(),
});

/** The worker's last keep-awake report: its state and when it was written. */
export type KeepAwakeReport = z.infer<typeof keepAwakeReportSchema>;

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

/**
 * The worker's last reported keep-awake state, or mode "unknown" before its first report (or
 * when the file is not one it wrote), so the page never claims more than the worker said.
 */
export function readKeepAwakeState(home: string): KeepAwakeReport {
  try {
    const parsed = keepAwakeReportSchema.safeParse(JSON.parse(readFileSync(path.join(home, FILE), 'utf8')));
    return parsed.success ? parsed.data : { mode: 'unknown', active: false };
  } catch {
    return { mode: 'unknown', active: false };
  }
}
