import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../common/atomic-file.js';

/**
 * What the task watcher already notified, and up to when it had looked, kept in the data folder:
 * a restart then neither repeats a push nor loses one for a change it missed while stopped.
 */
export interface NotifiedLog {
  has(key: string): boolean;
  /** Records a change as notified; written within `flushMs`. */
  add(key: string): void;
  /** When the watcher last looked, or undefined on its very first start. */
  since(): number | undefined;
  setSince(at: number): void;
  /** Forgets keys older than the retention, except those of tasks still listed (a question waits long). */
  prune(keepTaskIds: ReadonlySet<string>): void;
  flush(): Promise<void>;
}

const fileSchema = z.object({ version: z.literal(1), since: z.number().optional(), keys: z.record(z.string(), z.number()) }).strict();
const RETENTION_MS = 7 * 24 * 3600 * 1000;

/** Keys are `<taskId>/<runId>/<what>`; the task id is what prune keeps by. */
export const taskIdOfKey = (key: string): string => key.split('/')[0] ?? '';

/** Opens the log in `file`; a damaged file is treated as absent (at worst one repeated push), never fatal. */
export async function openNotifiedLog(options: { file: string; clock?: () => number; flushMs?: number }): Promise<NotifiedLog> {
  const clock = options.clock ?? Date.now;
  const flushMs = options.flushMs ?? 2_000;
  let since: number | undefined;
  const keys = new Map<string, number>();
  try {
    const parsed = fileSchema.safeParse(JSON.parse(await readFile(options.file, 'utf8')));
    if (parsed.success) {
      since = parsed.data.since;
      for (const [key, at] of Object.entries(parsed.data.keys)) keys.set(key, at);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError)) throw error;
  }
  let dirty = false;
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  function write(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!dirty) return writing;
    dirty = false;
    const text = JSON.stringify({ version: 1, since, keys: Object.fromEntries(keys) });
    writing = writing
      .then(async () => {
        await mkdir(path.dirname(options.file), { recursive: true, mode: 0o700 });
        await writeFileAtomic(options.file, text, { mode: 0o600 });
      })
      .catch(() => {
        dirty = true;
      });
    return writing;
  }

  const schedule = (): void => {
    dirty = true;
    if (!timer) {
      timer = setTimeout(() => void write(), flushMs);
      timer.unref();
    }
  };

  return {
    has: (key) => keys.has(key),
    add(key) {
      keys.set(key, clock());
      // A notified change is written at once: it is what a restart must not repeat.
      dirty = true;
      void write();
    },
    since: () => since,
    setSince(at) {
      since = at;
      schedule();
    },
    prune(keepTaskIds) {
      const cutoff = clock() - RETENTION_MS;
      for (const [key, at] of keys) if (at < cutoff && !keepTaskIds.has(taskIdOfKey(key))) keys.delete(key);
    },
    flush: () => write(),
  };
}
