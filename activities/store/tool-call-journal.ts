import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../common/atomic-file.js';
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
 * Layout: `<dir>/<sha256(taskId)[0..32]>/<sha256(taskId NUL toolUseId)>.{started,intent,json}`, one
 * folder per task so a finished task's records can be removed at once.
 */
export interface ToolCallJournal {
  /** Looks up the call and, unless it finished, marks it started (durably) before returning. */
  begin(taskId: string, toolUseId: string): Promise<JournalState>;
  /** Records the call's result; later `begin`s return it. */
  finish(taskId: string, toolUseId: string, result: ToolResultRecord): Promise<void>;
}

/**
 * A {@link ToolCallJournal} that also keeps what a call is about to change, so a retry can tell by
 * looking at the disk whether the change happened (see activities/files/write-intent.ts). The
 * intent is opaque JSON here; the file tools define it.
 */
export interface IntentJournal extends ToolCallJournal {
  /** Records, durably, what the call is about to change; call it before changing anything. Replaces an earlier record. */
  recordIntent(taskId: string, toolUseId: string, intent: unknown): Promise<void>;
  /** The intent an earlier attempt of the call recorded, if any. */
  intentOf(taskId: string, toolUseId: string): Promise<unknown>;
  /** The intents of every call that recorded one and never finished, for clean-up after a crash. */
  unfinishedIntents(): Promise<unknown[]>;
}

interface JournalEntry {
  taskId: string;
  toolUseId: string;
  recordedAt: string;
  result: ToolResultRecord;
}

interface IntentEntry {
  taskId: string;
  toolUseId: string;
  recordedAt: string;
  intent: unknown;
}

/** The journal in `directory` (created as needed); records are flushed to disk before they count. */
export function createToolCallJournal(directory: string, clock: Clock = systemClock): IntentJournal {
  const paths = (taskId: string, toolUseId: string) => {
    const folder = path.join(directory, sha256(taskId).slice(0, 32));
    const name = sha256(`${taskId}\0${toolUseId}`);
    return {
      folder,
      result: path.join(folder, `${name}.json`),
      started: path.join(folder, `${name}.started`),
      intent: path.join(folder, `${name}.intent`),
    };
  };

  return {
    async begin(taskId, toolUseId) {
      const files = paths(taskId, toolUseId);
      const entry = await readJson<JournalEntry>(files.result);
      if (entry?.taskId === taskId && entry.toolUseId === toolUseId) return { kind: 'done', result: entry.result };
      await mkdir(files.folder, { recursive: true, mode: 0o700 });
      try {
        await writeFile(files.started, clock.now().toISOString(), { flag: 'wx', mode: 0o600 });
        return { kind: 'fresh' };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { kind: 'interrupted' };
        throw error;
      }
    },
    async finish(taskId, toolUseId, result) {
      const files = paths(taskId, toolUseId);
      const entry: JournalEntry = { taskId, toolUseId, recordedAt: clock.now().toISOString(), result };
      await writeFileAtomic(files.result, JSON.stringify(entry), { mode: 0o600 });
    },
    async recordIntent(taskId, toolUseId, intent) {
      const files = paths(taskId, toolUseId);
      const entry: IntentEntry = { taskId, toolUseId, recordedAt: clock.now().toISOString(), intent };
      await mkdir(files.folder, { recursive: true, mode: 0o700 });
      await writeFileAtomic(files.intent, JSON.stringify(entry), { mode: 0o600 });
    },
    async intentOf(taskId, toolUseId) {
      const entry = await readJson<IntentEntry>(paths(taskId, toolUseId).intent);
      return entry?.taskId === taskId && entry.toolUseId === toolUseId ? entry.intent : undefined;
    },
    async unfinishedIntents() {
      const intents: unknown[] = [];
      for (const task of await readdir(directory).catch(() => [] as string[])) {
        const folder = path.join(directory, task);
        const names = new Set(await readdir(folder).catch(() => [] as string[]));
        for (const name of names) {
          if (!name.endsWith('.intent') || names.has(name.replace(/\.intent$/, '.json'))) continue;
          const entry = await readJson<IntentEntry>(path.join(folder, name));
          if (entry) intents.push(entry.intent);
        }
      }
      return intents;
    },
  };
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
