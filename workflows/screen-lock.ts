import { condition, continueAsNew, getExternalWorkflowHandle, log, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { DesktopActivities } from '../activities/index.js';
import {
  acquireScreenSignal,
  queuePositionSignal,
  releaseScreenSignal,
  screenGrantedSignal,
  screenLockStateQuery,
} from '../common/contract.js';

export interface ScreenLockState {
  holder: string | null;
  waiting: string[];
}

const { isTaskOpen } = proxyActivities<DesktopActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** How often the holder is checked for life, so a terminated task cannot hold the screen forever. */
const HOLDER_CHECK_INTERVAL = '1 minute';
/** With nobody holding or waiting for this long, the lock ends; the next request starts it again. */
const IDLE_LIFETIME = '10 minutes';

/**
 * The desktop's screen and input, held by one task at a time in the order tasks asked for it.
 * Tasks are known by workflow id, so a task that continues as new or is reset in the Web UI keeps
 * (or re-takes) its place. Waiting tasks are told their place in line whenever it changes.
 */
export async function screenLock(initial?: ScreenLockState): Promise<void> {
  let holder: string | null = initial?.holder ?? null;
  const waiting: string[] = [...(initial?.waiting ?? [])];
  let regrant = false;
  let changed = true;

  setHandler(acquireScreenSignal, ({ taskId }) => {
    if (taskId === holder) regrant = true;
    else if (!waiting.includes(taskId)) waiting.push(taskId);
    changed = true;
  });
  setHandler(releaseScreenSignal, ({ taskId }) => {
    if (taskId === holder) holder = null;
    const index = waiting.indexOf(taskId);
    if (index >= 0) waiting.splice(index, 1);
    changed = true;
  });
  setHandler(screenLockStateQuery, () => ({ holder, waiting: [...waiting] }));

  const tell = async (taskId: string, send: (handle: ReturnType<typeof getExternalWorkflowHandle>) => Promise<void>): Promise<boolean> => {
    try {
      await send(getExternalWorkflowHandle(taskId));
      return true;
    } catch (error) {
      log.info('task is gone; dropping it from the line', { taskId, error: String(error) });
      return false;
    }
  };

  for (;;) {
    if (changed) {
      changed = false;
      if (regrant && holder !== null) {
        regrant = false;
        if (!(await tell(holder, (handle) => handle.signal(screenGrantedSignal)))) holder = null;
      }
      while (holder === null && waiting.length > 0) {
        const next = waiting.shift()!;
        if (await tell(next, (handle) => handle.signal(screenGrantedSignal))) holder = next;
      }
      for (let index = 0; index < waiting.length; ) {
        const position = index + 1;
        if (await tell(waiting[index]!, (handle) => handle.signal(queuePositionSignal, position))) index++;
        else waiting.splice(index, 1);
      }
      continue;
    }
    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof screenLock>({ holder, waiting });
    }

    const idle = holder === null && waiting.length === 0;
    const signalled = await condition(() => changed, idle ? IDLE_LIFETIME : HOLDER_CHECK_INTERVAL);
    if (signalled) continue;
    if (idle) return;
    if (holder !== null && !(await isTaskOpen({ taskId: holder }))) {
      log.warn('the task holding the screen has ended without releasing it', { taskId: holder });
      holder = null;
      changed = true;
    }
  }
}
