import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  proxyActivities,
  proxyLocalActivities,
  upsertMemo,
  setCurrentDetails,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { DesktopActivities } from '../activities/index.js';
import {
  DEFAULT_MAX_STEPS,
  MEMO_STEPS_KEPT,
  ErrorType,
  queuePositionSignal,
  releaseScreenSignal,
  screenGrantedSignal,
  screenLockWorkflowId,
  taskStatusQuery,
  type ScreenGeometry,
  type StepRecord,
  type TaskCarryOver,
  type TaskEndReason,
  type TaskInput,
  type TaskResult,
  type TaskStatus,
  type ToolResultRecord,
} from '../common/contract.js';
import { describeToolUse } from './step-description.js';

/** Steps kept in the status and carried across continue-as-new; older ones live in the transcript. */
const RECENT_STEPS_KEPT = 30;
const MAX_PROMPT_CHARS = 20_000;
const ASK_FOR_SCREEN_AGAIN_EVERY = '2 minutes';

// Screenshots and joining the screen's line are short and have no effect on the desktop, so they
// run as local activities: in the desktop's own worker, without a task-queue round trip, which
// saves a large share of the engine's time per step. After a crash they simply run again.
const { takeScreenshot, requestScreen } = proxyLocalActivities<DesktopActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

// The model decision is a regular activity: while it runs (for seconds or minutes) the workflow
// task is closed, so the workflow answers queries, publishes progress and reacts to cancellation
// at once. Heartbeats tell a dead worker from a slow model; the decision is then asked again.
const { decideNextStep } = proxyActivities<DesktopActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '2 minutes' },
});

// At most once: a click or keystroke is never replayed blindly. One attempt, and a journal on the
// desktop turns a replay after a crash into "may or may not have happened"; the loop then takes
// a fresh screenshot and lets the model decide again. Local, as the desktop is where it runs anyway.
const { performComputerAction } = proxyLocalActivities<DesktopActivities>({
  startToCloseTimeout: '3 minutes',
  retry: { maximumAttempts: 1 },
});

// File operations are journaled per tool call, so retrying them is safe.
const { performFileTool } = proxyActivities<DesktopActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 5 },
});

const COMPUTER_TOOL = 'computer';
const FILE_TOOLS = new Set(['str_replace_based_edit_tool', 'file_manager']);
const SELF_IMAGING_ACTIONS = new Set(['screenshot', 'zoom', 'cursor_position']);

/** The duration of a well-formed `wait` action; anything else goes to the input activity to be judged. */
function plainWaitSeconds(input: unknown): number | undefined {
  const { action, duration } = (typeof input === 'object' && input !== null ? input : {}) as { action?: unknown; duration?: unknown };
  return action === 'wait' && typeof duration === 'number' && duration >= 0 && duration <= 100 ? duration : undefined;
}

/**
 * One task on one desktop: wait for the desktop's screen, then screenshot → model decision →
 * actions → screenshot… until the model ends its turn, the step limit is reached, or the task is
 * cancelled. Every ending is a {@link TaskResult} with a reason; only broken configuration (a
 * refused API key, an unknown model) fails the workflow.
 */
export async function agentTask(input: TaskInput, carried?: TaskCarryOver): Promise<TaskResult> {
  const prompt = typeof input?.prompt === 'string' ? input.prompt.trim() : '';
  if (prompt === '' || prompt.length > MAX_PROMPT_CHARS) {
    throw ApplicationFailure.nonRetryable(`A task needs a prompt of 1 to ${MAX_PROMPT_CHARS} characters`, ErrorType.invalidTaskInput);
  }
  const taskId = workflowInfo().workflowId;
  const maxSteps = input.maxSteps ?? DEFAULT_MAX_STEPS;
  const model: string = input.model ?? '';
  if (model === '') throw ApplicationFailure.nonRetryable('A task needs a model', ErrorType.invalidTaskInput);

  let stepsTaken = carried?.stepsTaken ?? 0;
  let transcriptRef = carried?.transcriptRef ?? null;
  let pendingResults: ToolResultRecord[] = carried?.pendingToolResults ?? [];
  let geometry: ScreenGeometry | null = carried?.geometry ?? null;
  let lastScreenshotRef = carried?.lastScreenshotRef ?? null;
  const recentSteps: StepRecord[] = [...(carried?.recentSteps ?? [])];
  let holdsScreen = carried?.holdsScreen ?? false;
  let queuePosition = 0;
  let currentStep = holdsScreen ? 'Resuming' : 'Waiting for the desktop';
  let result: TaskResult | undefined;
  let continuing = false;
  let requestedScreen = holdsScreen;
  let decisionTool: 'computer_20250124' | 'computer_20251124' = 'computer_20251124';

  const status = (): TaskStatus => ({
    phase: result ? 'finished' : holdsScreen ? 'running' : 'queued',
    queuePosition: holdsScreen ? 0 : queuePosition,
    stepsTaken,
    currentStep,
    recentSteps,
    result,
  });
  setHandler(taskStatusQuery, status);
  setHandler(queuePositionSignal, (position) => {
    queuePosition = position;
    if (!holdsScreen) show(`Queued: number ${position} in line`);
  });
  // A grant is for this run only: one replayed into a reset run, or meant for an earlier run, is ignored.
  const claim = workflowInfo().runId;
  setHandler(screenGrantedSignal, (grant) => {
    if (grant?.claim === claim) holdsScreen = true;
  });

  let published = '';
  /** Shows the step in the Web UI and publishes progress in the memo, if anything changed. */
  function show(step: string): void {
    currentStep = step;
    setCurrentDetails(`**${step}**\n\nSteps taken: ${stepsTaken} of ${maxSteps}`);
    const { result: _omitted, ...progress } = status();
    const snapshot = { ...progress, recentSteps: recentSteps.slice(-MEMO_STEPS_KEPT) };
    const serialized = JSON.stringify(snapshot);
    if (serialized !== published) {
      published = serialized;
      upsertMemo({ progress: snapshot });
    }
  }

  function record(step: Omit<StepRecord, 'index' | 'at'>): void {
    recentSteps.push({ index: stepsTaken, at: new Date().toISOString(), ...step });
    if (recentSteps.length > RECENT_STEPS_KEPT) recentSteps.splice(0, recentSteps.length - RECENT_STEPS_KEPT);
  }

  function finish(reason: TaskEndReason, text: string): TaskResult {
    result = { reason, text, steps: stepsTaken, transcriptRef, recentSteps: [...recentSteps] };
    show(reason === 'completed' ? 'Done' : `Ended: ${reason.replace('_', ' ')}`);
    return result;
  }

  async function screenshot(): Promise<{ imageRef: string; mediaType: string }> {
    const shot = await takeScreenshot({ model });
    geometry = shot.geometry;
    lastScreenshotRef = shot.imageRef;
    return shot;
  }

  async function runTool(use: { id: string; name: string; input: unknown }): Promise<ToolResultRecord> {
    const waitSeconds = use.name === COMPUTER_TOOL ? plainWaitSeconds(use.input) : undefined;
    if (waitSeconds !== undefined) {
      // Waiting touches nothing on the desktop: a durable timer, which (unlike a local activity)
      // leaves the workflow free to show its progress and answer queries meanwhile.
      await CancellationScope.nonCancellable(() => sleep(waitSeconds * 1000));
      return { toolUseId: use.id, isError: false };
    }
    if (use.name === COMPUTER_TOOL) {
      if (!geometry) await screenshot();
      try {
        // Not cancellable: an action in progress finishes; cancellation is checked between actions.
        return await CancellationScope.nonCancellable(() =>
          performComputerAction({ taskId, model, toolUseId: use.id, input: use.input, geometry: geometry!, toolVersion: decisionTool }),
        );
      } catch (error) {
        if (!(error instanceof ActivityFailure)) throw error;
        log.warn('input action lost', { toolUseId: use.id, error: error.cause?.message });
        return {
          toolUseId: use.id,
          isError: true,
          text: 'The action was interrupted before it reported back, so it may or may not have happened. Take a screenshot to see the current state before going on.',
        };
      }
    }
    if (FILE_TOOLS.has(use.name)) {
      try {
        return await CancellationScope.nonCancellable(() =>
          performFileTool({ taskId, toolUseId: use.id, toolName: use.name, input: use.input }),
        );
      } catch (error) {
        if (!(error instanceof ActivityFailure)) throw error;
        return { toolUseId: use.id, isError: true, text: `The file operation failed: ${error.cause?.message ?? error.message}` };
      }
    }
    return {
      toolUseId: use.id,
      isError: true,
      text: `There is no tool named "${use.name}". Use computer, str_replace_based_edit_tool or file_manager.`,
    };
  }

  try {
    if (!holdsScreen) {
      show('Waiting for the desktop');
      requestedScreen = true;
      // Asking again now and then is harmless (the lock keeps one place per task) and recovers a
      // line lost with a lock workflow that was terminated or reset.
      do await requestScreen({ desktopId: input.desktopId, taskId, claim, submittedAt: workflowInfo().startTime.toISOString() });
      while (!(await condition(() => holdsScreen, ASK_FOR_SCREEN_AGAIN_EVERY)));
    }
    show('Looking at the screen');

    for (;;) {
      if (stepsTaken >= maxSteps) {
        return finish('max_steps', `Stopped after ${stepsTaken} steps, the limit for this task, before the model said it was done.`);
      }
      let firstShot: { imageRef: string; mediaType: string } | undefined;
      if (transcriptRef === null || geometry === null) firstShot = await screenshot();

      show(stepsTaken === 0 ? 'Thinking about the task' : 'Thinking about the next step');
      const decision = await decideNextStep({
        model,
        prompt,
        transcriptRef,
        toolResults: pendingResults,
        screenshot: firstShot ? { ref: firstShot.imageRef, mediaType: firstShot.mediaType } : undefined,
        geometry: geometry!,
      });
      stepsTaken++;
      transcriptRef = decision.transcriptRef;
      decisionTool = decision.computerTool;
      pendingResults = [];

      if (decision.toolUses.length === 0) {
        return finish('completed', decision.text || 'The task is done.');
      }

      const results: ToolResultRecord[] = [];
      let acted = false;
      for (const use of decision.toolUses) {
        if (CancellationScope.current().consideredCancelled) break;
        const description = describeToolUse(use.name, use.input);
        show(description);
        const outcome = await runTool(use);
        results.push(outcome);
        record({ description, screenshotRef: lastScreenshotRef ?? undefined, isError: outcome.isError, detail: outcome.isError ? outcome.text : undefined });
        const action = (use.input as { action?: unknown } | null)?.action;
        if (use.name === COMPUTER_TOOL && !SELF_IMAGING_ACTIONS.has(String(action))) acted = true;
      }
      if (CancellationScope.current().consideredCancelled) return finish('cancelled', 'Cancelled.');

      if (acted) {
        const shot = await screenshot();
        const last = [...results].reverse().find((entry) => !entry.imageRef && decision.toolUses.find((use) => use.id === entry.toolUseId)?.name === COMPUTER_TOOL);
        if (last) {
          last.imageRef = shot.imageRef;
          last.imageMediaType = shot.mediaType as ToolResultRecord['imageMediaType'];
        }
      }
      pendingResults = results;

      if (workflowInfo().continueAsNewSuggested) {
        continuing = true;
        const carry: TaskCarryOver = { stepsTaken, transcriptRef, pendingToolResults: pendingResults, recentSteps, holdsScreen, geometry, lastScreenshotRef };
        return await continueAsNew<typeof agentTask>(input, carry);
      }
    }
  } catch (error) {
    if (isCancellation(error)) return finish('cancelled', 'Cancelled.');
    throw error;
  } finally {
    if (requestedScreen && !continuing) {
      await CancellationScope.nonCancellable(async () => {
        try {
          await getExternalWorkflowHandle(screenLockWorkflowId(input.desktopId)).signal(releaseScreenSignal, { taskId });
        } catch (error) {
          log.warn('could not release the screen', { error: String(error) });
        }
      });
    }
  }
}
