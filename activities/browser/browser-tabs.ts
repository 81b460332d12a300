import type { BrowserHost } from './browser-host.js';
import { TaskTabs } from './task-tabs.js';

export interface BrowserTabsOptions {
  host: BrowserHost;
  /**
   * Whether the task is still running (its workflow is open). A task's tabs close soon after it
   * ends, and stay while it runs (a task waiting hours for a person's answer keeps its pages).
   */
  isTaskOpen?: (taskId: string) => Promise<boolean>;
  /** Tabs of a task idle this long are closed when nobody can say whether it still runs. */
  idleMs?: number;
  /** How often idle tasks are looked at. */
  sweepEveryMs?: number;
  now?: () => number;
}

/** The registry of every task's tabs in the shared browser. */
export interface BrowserTabs {
  /** Runs `work` on the task's tabs (created empty on first use); the task counts as busy meanwhile. */
  use<T>(taskId: string, work: (tabs: TaskTabs) => Promise<T>): Promise<T>;
  /** Closes tabs of ended and long-idle tasks, and the browser once no task has any. */
  sweep(): Promise<void>;
  /** Closes every tab and the browser: the worker is shutting down. */
  close(): Promise<void>;
}

interface Entry {
  tabs: TaskTabs;
  lastUsed: number;
  busy: number;
}

const DEFAULT_IDLE_MS = 30 * 60_000;
const DEFAULT_SWEEP_MS = 60_000;

/**
 * Tab lifetime: a task's tabs live while the task runs and uses them. They are closed lazily by a
 * sweep, a minute or two after the task's workflow has ended (or after 30 idle minutes when
 * Temporal cannot be asked), so the workflow needs no clean-up step and a worker restart loses
 * nothing but tabs.
 * When no task has tabs left the browser itself is closed, which also frees its profile for
 * `opendispatch browser`. The sweep timer runs only while some task has tabs.
 */
export function createBrowserTabs(options: BrowserTabsOptions): BrowserTabs {
  const entries = new Map<string, Entry>();
  const now = options.now ?? Date.now;
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  const sweepEveryMs = options.sweepEveryMs ?? DEFAULT_SWEEP_MS;
  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;

  options.host.onClosed(() => {
    for (const entry of entries.values()) entry.tabs.lost();
  });

  const schedule = (): void => {
    if (timer || entries.size === 0) return;
    timer = setInterval(() => void sweep(), sweepEveryMs);
    timer.unref();
  };

  async function shouldClose(taskId: string, entry: Entry): Promise<boolean> {
    if (entry.busy > 0) return false;
    const idle = now() - entry.lastUsed;
    if (idle < sweepEveryMs) return false;
    if (!options.isTaskOpen) return idle >= idleMs;
    try {
      return !(await options.isTaskOpen(taskId));
    } catch {
      return idle >= idleMs;
    }
  }

  async function sweepOnce(): Promise<void> {
    for (const [taskId, entry] of [...entries]) {
      if (!(await shouldClose(taskId, entry)) || entry.busy > 0) continue;
      entries.delete(taskId);
      await entry.tabs.closeAll();
    }
    if (entries.size === 0) {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (options.host.running()) await options.host.close();
    }
  }

  function sweep(): Promise<void> {
    sweeping ??= sweepOnce().finally(() => (sweeping = undefined));
    return sweeping;
  }

  return {
    async use(taskId, work) {
      let entry = entries.get(taskId);
      if (!entry) {
        entry = { tabs: new TaskTabs(taskId, () => options.host.context()), lastUsed: now(), busy: 0 };
        entries.set(taskId, entry);
        schedule();
      }
      entry.busy++;
      try {
        return await work(entry.tabs);
      } finally {
        entry.busy--;
        entry.lastUsed = now();
      }
    },
    sweep,
    async close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await sweeping;
      entries.clear();
      await options.host.close();
    },
  };
}
