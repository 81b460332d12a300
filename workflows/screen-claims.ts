import { CancellationScope, condition, getExternalWorkflowHandle, log, proxyLocalActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { DesktopActivities } from '../activities/index.js';
import {
  queuePositionSignal,
  releaseScreenSignal,
  screenBusySignal,
  screenGrantedSignal,
  screenLockWorkflowId,
  slotGrantedSignal,
} from '../common/contract.js';

const ASK_FOR_SCREEN_AGAIN_EVERY = '2 minutes';

// Joining the screen's line is short and has no effect on the desktop, so it runs as a local
// activity, like the task's screenshots: in the desktop's own worker, without a task-queue round
// trip. After a crash it simply runs again.
const { requestScreen, othersWaitForScreen } = proxyLocalActivities<DesktopActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * What a task holds of its desktop, as the desktop's screen queue (workflows/screen-queue.ts)
 * hands it out: one of the task slots (DISPATCH_MAX_PARALLEL), and the screen and input, which go
 * to one task at a time. Requests and grants are signals, so a wait survives a restart of
 * everything; each request names this run, and a grant for another run is ignored.
 */
export interface ScreenClaims {
  /** Whether this run holds the desktop's screen and input. */
  readonly holdsScreen: boolean;
  /** The task's place in the desktop's line, as the screen queue last told it. */
  readonly queuePosition: number;
  /** The task that held the screen when a request for a free screen found it taken, if the queue said. */
  readonly busyHolder: string | null | undefined;
  /** Waits for one of the desktop's task slots; the screen queue hands them out in the order tasks were given. */
  takeSlot(max: number): Promise<void>;
  /** Joins the desktop's line for the screen and waits for it; with `onlyIfFree`, until it is granted or found taken. */
  takeScreen(onlyIfFree: boolean): Promise<void>;
  /** Lets other tasks have the screen; the next computer call takes it back. */
  releaseScreen(): Promise<void>;
  /**
   * Lets the screen go, keeping the task's slot, if another task waits for it: for a task that
   * holds the screen but works elsewhere (files, the browser) for now. Whether it let go.
   */
  yieldScreenIfWanted(): Promise<boolean>;
  /**
   * Gives back the screen, the task's place in line and its slot when the task ends, even when it
   * was cancelled; a failure to tell the queue is logged, since the queue finds ended tasks itself.
   * A task that continues as new keeps them, so it does not call this.
   */
  release(): Promise<void>;
}

/**
 * Registers the handlers for the screen queue's signals. `task.holdsScreen` is the screen carried
 * over from the run before a continue-as-new; `inLine` hears each new place in line while the
 * task waits without the screen.
 */
export function createScreenClaims(
  task: { desktopId: string; taskId: string; holdsScreen: boolean },
  inLine: (position: number) => void,
): ScreenClaims {
  const { desktopId, taskId } = task;
  let holdsScreen = task.holdsScreen;
  let queuePosition = 0;
  /** Set when a request for a free screen found it taken: by which task, if the screen queue said. */
  let screenBusy: { holder: string | null } | undefined;
  let hasSlot = false;
  /** Whether the queue may know this task, so its end must tell the queue. */
  let requested = holdsScreen;

  setHandler(queuePositionSignal, (position) => {
    queuePosition = position;
    if (!holdsScreen) inLine(position);
  });
  // A grant is for this run only: one replayed into a reset run, or meant for an earlier run, is ignored.
  const claim = workflowInfo().runId;
  setHandler(screenGrantedSignal, (grant) => {
    if (grant?.claim === claim) holdsScreen = true;
  });
  setHandler(slotGrantedSignal, (grant) => {
    if (grant?.claim === claim) hasSlot = true;
  });
  setHandler(screenBusySignal, (busy) => {
    if (busy?.claim === claim) screenBusy = { holder: busy.holder };
  });

  const signalRelease = (screenOnly = false) =>
    getExternalWorkflowHandle(screenLockWorkflowId(desktopId)).signal(releaseScreenSignal, screenOnly ? { taskId, screenOnly } : { taskId });

  return {
    get holdsScreen() {
      return holdsScreen;
    },
    get queuePosition() {
      return queuePosition;
    },
    get busyHolder() {
      return screenBusy?.holder;
    },
    async takeSlot(max) {
      requested = true;
      const request = { desktopId, taskId, claim, submittedAt: workflowInfo().startTime.toISOString(), slot: { max } };
      do await requestScreen(request);
      while (!(await condition(() => hasSlot, ASK_FOR_SCREEN_AGAIN_EVERY)));
    },
    async takeScreen(onlyIfFree) {
      requested = true;
      // Asking again now and then is harmless (the queue keeps one place per task) and recovers a
      // line lost with a screen queue workflow that was terminated or reset.
      const request = { desktopId, taskId, claim, submittedAt: workflowInfo().startTime.toISOString(), ...(onlyIfFree ? { onlyIfFree } : {}) };
      do await requestScreen(request);
      while (!(await condition(() => holdsScreen || (onlyIfFree && screenBusy !== undefined), ASK_FOR_SCREEN_AGAIN_EVERY)));
    },
    async releaseScreen() {
      if (!holdsScreen) return;
      holdsScreen = false;
      await signalRelease();
    },
    async yieldScreenIfWanted() {
      if (!holdsScreen || !(await othersWaitForScreen({ desktopId, taskId }))) return false;
      // Still ours if a grant came back meanwhile; given up before the signal, as releaseScreen does.
      if (!holdsScreen) return false;
      holdsScreen = false;
      await signalRelease(true);
      return true;
    },
    async release() {
      if (!requested) return;
      await CancellationScope.nonCancellable(async () => {
        try {
          await signalRelease();
        } catch (error) {
          log.warn('could not release the screen', { error: String(error) });
        }
      });
    },
  };
}
