import { lstat, rm } from 'node:fs/promises';
import path from 'node:path';
import { isTemporaryName, removeStaleTemporaries } from '../../common/atomic-file.js';
import { isWithin } from './granted-roots.js';
import type { ToolOutcome } from './model-tool.js';
import { isWriteIntent, judge, partlyDoneNote, uncertainText, type WriteIntent } from './write-intent.js';

export interface ChangeRecovery {
  /**
   * The answer for a call whose earlier attempt died, from the intent it recorded (journal JSON):
   * the recorded answer if its change is on disk, "may or may not have happened" if the disk
   * matches neither side, or undefined when running the call again is safe (no intent was
   * recorded, or nothing changed; leftovers of the dead attempt are removed first).
   */
  afterInterruption(recorded: unknown): Promise<ToolOutcome | undefined>;
  /** The answer for a call that just ran and recorded `intent`: what the disk shows, not what the code meant. */
  afterRun(intent: WriteIntent, ran: ToolOutcome): Promise<ToolOutcome>;
  /** Removes an intent's own temporaries, for an attempt that failed and is over. */
  removeTemporaries(intent: WriteIntent): Promise<void>;
  /** Removes our temporaries left by dead workers in the folders an intent touches (not its own). */
  sweepFolders(intent: WriteIntent): Promise<void>;
  /** Removes a dead call's own temporaries (if older than this worker) and sweeps its folders. */
  removeLeftovers(recorded: unknown): Promise<void>;
}

/**
 * Judging a recorded {@link WriteIntent} against the disk and tidying what the call left behind.
 * Only our own temporaries and entries inside the trash folder are ever removed, whatever a
 * journal record says.
 */
export function createChangeRecovery(deps: { trashDir: string; startedAt: Date }): ChangeRecovery {
  const removable = (target: string): boolean =>
    path.isAbsolute(target) && (isTemporaryName(path.basename(target)) || (isWithin(deps.trashDir, target) && target !== deps.trashDir));
  const remove = async (targets: string[] = []): Promise<void> => {
    for (const target of targets.filter(removable)) await rm(target, { recursive: true, force: true });
  };

  const sweepFolders = async (intent: WriteIntent): Promise<void> => {
    const own = new Set(intent.temporaries);
    for (const folder of new Set(intent.changes.map((change) => path.dirname(change.path)))) await removeStaleTemporaries(folder, deps.startedAt, own);
  };

  const settle = async (intent: WriteIntent, ran: ToolOutcome | undefined): Promise<ToolOutcome | undefined> => {
    const verdict = await judge(intent);
    await remove(intent.temporaries);
    switch (verdict.kind) {
      case 'done':
        await remove(intent.removeIfDone);
        return { isError: false, text: intent.text };
      case 'not-done':
        await remove(intent.removeIfNotDone);
        if (!ran || ran.isError) return ran;
        return { isError: true, text: uncertainText(intent.changes.map((change) => change.path), false) };
      case 'unknown':
        if (ran?.isError) return { isError: true, text: ran.text + partlyDoneNote(verdict.paths) };
        return { isError: true, text: uncertainText(verdict.paths, ran === undefined) };
    }
  };

  return {
    afterInterruption: async (recorded) => (isWriteIntent(recorded) ? settle(recorded, undefined) : undefined),
    afterRun: async (intent, ran) => (await settle(intent, ran)) as ToolOutcome,
    removeTemporaries: (intent) => remove(intent.temporaries).catch(() => undefined),
    sweepFolders,
    async removeLeftovers(recorded) {
      if (!isWriteIntent(recorded)) return;
      for (const temporary of recorded.temporaries.filter(removable)) {
        const info = await lstat(temporary).catch(() => undefined);
        if (info && info.mtimeMs < deps.startedAt.getTime()) await rm(temporary, { recursive: true, force: true }).catch(() => undefined);
      }
      await sweepFolders(recorded);
    },
  };
}
