import { condition, continueAsNew, getExternalWorkflowHandle, log, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { DesktopActivities } from '../activities/index.js';
import { TaskSlots, type TaskSlotsState } from './task-slots.js';
import {
  acquireScreenSignal,
  queuePositionSignal,
  releaseScreenSignal,
  screenBusySignal,
  screenGrantedSignal,
  screenLockStateQuery,
  slotGrantedSignal,
  type ScreenClaim,
} from '../common/contract.js';

export interface ScreenQueueState {
  holder: ScreenClaim | null;
  waiting: ScreenClaim[];
  /** The desktop's task slots (DISPATCH_MAX_PARALLEL); absent in a lock started before slots. */
  slots?: TaskSlotsState;
}

const { isTaskOpen } = proxyActivities<DesktopActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** How often the holder is checked for life, so a terminated task cannot hold the screen forever. */
const HOLDER_CHECK_INTERVAL = '1 minute';
/** With nobody holding or waiting for this long, the lock ends; the next request starts it again. */
const IDLE_LIFETIME = '10 minutes';

type ExternalHandle = ReturnType<typeof getExternalWorkflowHandle>;

function submittedBefore(a: ScreenClaim, b: ScreenClaim): boolean {
  return a.submittedAt < b.submittedAt || (a.submittedAt === b.submittedAt && a.taskId < b.taskId);
}

/**
 * The desktop's queue for its screen: the screen and input go to one task at a time, and the
 * desktop's task slots (DISPATCH_MAX_PARALLEL) to that many, in the order tasks were given. Tasks
 * are known by workflow id, so a task that continues as new or is reset in the Web UI keeps (or
 * re-takes) its place; each grant names the run it is for. Waiting tasks are told their place in
 * line whenever it changes. One per desktop, under the id `screenLockWorkflowId` gives it.
 */
export async function screenQueue(initial?: ScreenQueueState): Promise<void> {
  let holder: ScreenClaim | null = initial?.holder ?? null;
  const waiting: ScreenClaim[] = [...(initial?.waiting ?? [])];
  let regrant = false;
  let changed = true;
  const slots = new TaskSlots(initial?.slots);

  /** `onlyIfFree` requests that found the screen taken, to be answered from the main loop. */
  const busyReplies: ScreenClaim[] = [];

  setHandler(acquireScreenSignal, (request) => {
    if (request.slot) {
      slots.request(request, request.slot.max);
      changed = true;
      return;
    }
    const queued = waiting.find((entry) => entry.taskId === request.taskId);
    const takenByOther = (holder !== null && holder.taskId !== request.taskId) || waiting.some((entry) => entry.taskId !== request.taskId);
    if (request.onlyIfFree && takenByOther && !queued) {
      busyReplies.push(request);
      changed = true;
      return;
    }
    if (holder?.taskId === request.taskId) {
      regrant = regrant || holder.claim !== request.claim;
      holder = request;
    } else if (queued) {
      queued.claim = request.claim;
    } else {
      // Requests from tasks submitted moments apart can arrive in either order; the line keeps
      // the order they were submitted in.
      const later = waiting.findIndex((entry) => submittedBefore(request, entry));
      waiting.splice(later < 0 ? waiting.length : later, 0, request);
    }
    changed = true;
  });
  setHandler(releaseScreenSignal, ({ taskId, screenOnly }) => {
    if (screenOnly !== true) slots.release(taskId);
    if (holder?.taskId === taskId) holder = null;
    const index = waiting.findIndex((entry) => entry.taskId === taskId);
    if (index >= 0) waiting.splice(index, 1);
    changed = true;
  });
  setHandler(screenLockStateQuery, () => ({ holder: holder?.taskId ?? null, waiting: waiting.map((entry) => entry.taskId) }));

  /** Signals a task; false if it is gone. Handlers may change the line while this waits. */
  const tell = async (taskId: string, send: (handle: ExternalHandle) => Promise<void>): Promise<boolean> => {
    try {
      await send(getExternalWorkflowHandle(taskId));
      return true;
    } catch (error) {
      log.info('task is gone; dropping it from the line', { taskId, error: String(error) });
      return false;
    }
  };
  const dropWaiting = (taskId: string): void => {
    const index = waiting.findIndex((entry) => entry.taskId === taskId);
    if (index >= 0) waiting.splice(index, 1);
  };

  for (;;) {
    if (changed) {
      changed = false;
      if (regrant && holder !== null) {
        regrant = false;
        const granted = holder;
        if (!(await tell(granted.taskId, (handle) => handle.signal(screenGrantedSignal, { claim: granted.claim }))) && holder === granted) holder = null;
      }
      while (holder === null && waiting.length > 0) {
        // Held before the signal goes out, so a release that arrives meanwhile is not lost.
        const next = waiting.shift()!;
        holder = next;
        if (!(await tell(next.taskId, (handle) => handle.signal(screenGrantedSignal, { claim: next.claim }))) && holder === next) holder = null;
      }
      for (const busy of busyReplies.splice(0)) {
        const holderId = holder?.taskId ?? waiting[0]?.taskId ?? null;
        await tell(busy.taskId, (handle) => handle.signal(screenBusySignal, { claim: busy.claim, holder: holderId }));
      }
      for (const entry of [...waiting]) {
        const position = waiting.indexOf(entry) + 1;
        if (position === 0) continue;
        if (!(await tell(entry.taskId, (handle) => handle.signal(queuePositionSignal, position)))) dropWaiting(entry.taskId);
      }
      for (const granted of slots.grants()) {
        if (!(await tell(granted.taskId, (handle) => handle.signal(slotGrantedSignal, { claim: granted.claim })))) slots.release(granted.taskId);
      }
      for (const { taskId, position } of slots.positions()) {
        if (!(await tell(taskId, (handle) => handle.signal(queuePositionSignal, position)))) slots.release(taskId);
      }
      continue;
    }
    if (workflowInfo().continueAsNewSuggested) {
      // Continues under the type it runs as: a queue an earlier release started as `screenLock` stays one.
      await continueAsNew<typeof screenQueue>({ holder, waiting, slots: slots.state() });
    }

    const idle = holder === null && waiting.length === 0 && slots.isIdle();
    const signalled = await condition(() => changed, idle ? IDLE_LIFETIME : HOLDER_CHECK_INTERVAL);
    if (signalled) continue;
    if (idle) return;
    const checked = holder;
    if (checked !== null && !(await isTaskOpen({ taskId: checked.taskId })) && holder === checked) {
      log.warn('the task holding the screen has ended without releasing it', { taskId: checked.taskId });
      holder = null;
      changed = true;
    }
    for (const taskId of slots.holderIds()) {
      if (!(await isTaskOpen({ taskId }))) {
        log.warn('a task holding a slot has ended without releasing it', { taskId });
        slots.release(taskId);
        changed = true;
      }
    }
  }
}
