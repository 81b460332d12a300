import type { IntentJournal } from '../../activities/store/tool-call-journal.js';

/** Where a simulated crash strikes: a journal method, on its n-th call, before or after it wrote. */
export interface CrashPoint {
  method: 'recordIntent' | 'finish';
  /** 1-based; default the first call. */
  call?: number;
  /** Whether the record reached the disk before the worker "died". */
  afterWriting: boolean;
}

/** Thrown where the worker would have died; nothing after it runs, as after SIGKILL. */
export class SimulatedCrash extends Error {}

/**
 * The journal as a dying worker leaves it: every step up to the crash point is on disk, nothing
 * after it is. The file activity stops there (the throw), and a new activity over the same
 * folders plays the restarted worker.
 */
export function crashingJournal(journal: IntentJournal, at: CrashPoint): IntentJournal {
  let calls = 0;
  const strike = async (write: () => Promise<void>): Promise<void> => {
    calls += 1;
    if (calls !== (at.call ?? 1)) return write();
    if (at.afterWriting) await write();
    throw new SimulatedCrash(`simulated crash at ${at.method} #${calls}`);
  };
  return {
    ...journal,
    begin: (taskId, toolUseId) => journal.begin(taskId, toolUseId),
    intentOf: (taskId, toolUseId) => journal.intentOf(taskId, toolUseId),
    unfinishedIntents: () => journal.unfinishedIntents(),
    recordIntent: (taskId, toolUseId, intent) =>
      at.method === 'recordIntent' ? strike(() => journal.recordIntent(taskId, toolUseId, intent)) : journal.recordIntent(taskId, toolUseId, intent),
    finish: (taskId, toolUseId, result) =>
      at.method === 'finish' ? strike(() => journal.finish(taskId, toolUseId, result)) : journal.finish(taskId, toolUseId, result),
  };
}
