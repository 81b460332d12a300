import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ToolResultRecord } from '../../common/contract.js';
import { systemClock, type Clock } from '../ports.js';

/** What an earlier attempt of the same tool call left behind. */
export type JournalState =
  | { kind: 'fresh' }
  | { kind: 'done'; result: ToolResultRecord }
  /** Started and never recorded a result: it may or may not have taken effect. */
  | { kind: 'interrupted' };

/**
 * A record, on the desktop's own disk, of every tool call the model made, keyed by task and tool
 * use id. Temporal may run the same call again (a retried activity, or a local activity replayed
 * after the worker died before its workflow task completed); the journal turns that into "return
 * what it did the first time" or "tell the model it may have happened", never a blind repeat.
 *
 * Layout: `<dir>/<sha256(taskId)[0..32]>/<sha256(taskId NUL toolUseId)>.{started,json}`, one folder
 * per task so a finished task's records can be removed at once.
 */
export interface ToolCallJournal {
  /** Looks up the call and, unless it finished, marks it started (durably) before returning. */
  begin(taskId: string, toolUseId: string): Promise<JournalState>;
  /** Records the call's result; later `begin`s return it. */
  finish(taskId: string, toolUseId: string, result: ToolResultRecord): Promise<void>;
}

interface JournalEntry {
  taskId: string;
  toolUseId: string;
  recordedAt: string;
  result: ToolResultRecord;
}

export function createToolCallJournal(directory: string, clock: Clock = systemClock): ToolCallJournal {
  const paths = (taskId: string, toolUseId: string) => {
    const folder = path.join(directory, sha256(taskId).slice(0, 32));
    const name = sha256(`${taskId}\0${toolUseId}`);
    return { folder, result: path.join(folder, `${name}.json`), started: path.join(folder, `${name}.started`) };
  };

  return {
    async begin(taskId, toolUseId) {
      const files = paths(taskId, toolUseId);
      try {
        const entry = JSON.parse(await readFile(files.result, 'utf8')) as JournalEntry;
        if (entry.taskId === taskId && entry.toolUseId === toolUseId) return { kind: 'done', result: entry.result };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      await mkdir(files.folder, { recursive: true });
      try {
        await writeFile(files.started, clock.now().toISOString(), { flag: 'wx' });
        return { kind: 'fresh' };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { kind: 'interrupted' };
        throw error;
      }
    },
    async finish(taskId, toolUseId, result) {
      const files = paths(taskId, toolUseId);
      const entry: JournalEntry = { taskId, toolUseId, recordedAt: clock.now().toISOString(), result };
      const temporary = `${files.result}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(temporary, JSON.stringify(entry));
      await rename(temporary, files.result);
    },
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
