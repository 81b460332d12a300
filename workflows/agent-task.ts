import {
  ApplicationFailure,
  CancellationScope,
  continueAsNew,
  sleep,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  upsertMemo,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { DesktopActivities } from '../activities/index.js';
import {
  DEFAULT_MAX_STEPS,
  MAX_PROMPT_CHARS,
  MEMO_STEPS_KEPT,
  ErrorType,
  taskStatusQuery,
  type ScreenGeometry,
  type StepRecord,
  type TaskCarryOver,
  type TaskEndReason,
  type TaskInput,
  type TaskResult,
  type TaskStatus,
  type ToolCall,
  type ToolResultRecord,
} from '../common/contract.js';
import { createPersonWaits } from './person-waits.js';
import { createScreenClaims } from './screen-claims.js';
import { familyFor, unknownToolResult, type ToolFamily, type ToolRunContext } from './tool-families/index.js';

/** Steps kept in the status and carried across continue-as-new; older ones live in the transcript. */
const RECENT_STEPS_KEPT = 30;
/** Workflow change: a task starts without the screen when another task holds it, and takes it on its first computer call. */
const SCREEN_ON_DEMAND = 'screen-on-demand';

/** Told to the model when its task starts while another task drives the screen. */
const SCREEN_BUSY_NOTE =
  "(The desktop's screen is in use by another task right now, so you start without a screenshot. " +
  'You can work with files and the browser meanwhile. A computer action waits until the screen is free; make the first one a screenshot.)';
/** Workflow change: a reply cut off at max_tokens continues, and a refusal ends the task as declined. */
const STOP_REASONS = 'stop-reasons';
/** Workflow change: a task waits for one of the desktop's task slots (DISPATCH_MAX_PARALLEL) before it starts. */
const DESKTOP_SLOTS = 'desktop-slots';
/** Workflow change: a task ends with reason `timed_out` once its time limit has passed. */
const TASK_TIMEOUT = 'task-timeout';
/** Patch: a task that holds the screen without using it lets a waiting task have it. */
const YIELD_IDLE_SCREEN = 'yield-idle-screen';
/** Sent when the model's reply was cut off at the length limit without a tool call. */
const CUT_OFF = 'Your reply was cut off at the length limit. Go on from where it stopped.';

/** How long a question waits for an answer, and an approval for a decision, unless the task says. */
const DEFAULT_ASK_TIMEOUT_SECONDS = 24 * 3600;
const DEFAULT_APPROVAL_TIMEOUT_SECONDS = 30 * 60;

/** The answer to a computer call made before the task had seen the screen it just got. */
const LOOK_FIRST =
  'The screen was busy until now, so this action was not carried out: you have not seen the screen yet. Take a screenshot first.';

// Screenshots are short and have no effect on the desktop, so they run as local activities: in
// the desktop's own worker, without a task-queue round trip, which saves a large share of the
// engine's time per step. After a crash they simply run again.
const { takeScreenshot, measureScreen } = proxyLocalActivities<DesktopActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

// The model decision is a regular activity: while it runs (for seconds or minutes) the workflow
// task is closed, so the workflow answers queries, publishes progress and reacts to cancellation
// at once. Heartbeats tell a dead worker from a slow model; the decision is then asked again.
// A scheduled run checks, once, whether an earlier run already covered it.
const { checkScheduledRun } = proxyActivities<DesktopActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
});

const { decideNextStep } = proxyActivities<DesktopActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '2 minutes' },
});

/** A call's result echoes the call's toolset: the API refuses a member's result without it. */
function withToolset(call: ToolCall, result: ToolResultRecord): ToolResultRecord {
  return call.toolsetName === undefined ? { ...result } : { ...result, toolsetName: call.toolsetName };
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
  // A follow-up run goes on from the conversation so far, with a fresh step budget.
  const followUp = carried ? undefined : input.followUp;
  const stepLimit = (carried?.stepLimitFrom ?? followUp?.stepsTaken ?? 0) + maxSteps;
  const approveList = new Set(input.approve ?? []);
  const model: string = input.model ?? '';
  if (model === '') throw ApplicationFailure.nonRetryable('A task needs a model', ErrorType.invalidTaskInput);

  let stepsTaken = carried?.stepsTaken ?? followUp?.stepsTaken ?? 0;
  let transcriptRef = carried?.transcriptRef ?? followUp?.transcriptRef ?? null;
  let pendingResults: ToolResultRecord[] = carried?.pendingToolResults ?? [];
  let pendingText: string | undefined = followUp ? `A message from the person: ${followUp.text}` : undefined;
  let geometry: ScreenGeometry | null = carried?.geometry ?? null;
  let lastScreenshotRef = carried?.lastScreenshotRef ?? null;
  const recentSteps: StepRecord[] = [...(carried?.recentSteps ?? followUp?.recentSteps ?? [])];
  /** Working on the task (deciding, acting), with or without the screen. */
  let working = transcriptRef !== null;
  let currentStep = carried?.holdsScreen ? 'Resuming' : 'Waiting for the desktop';
  let result: TaskResult | undefined;
  let continuing = false;
  /** Whether the last turn used the screen; a new run (or the first turn) counts as using it. */
  let lastTurnUsedScreen = true;

  // A signal recorded before the task's first step (a message given while the desktop was away)
  // is handled while these are set up, before `show` can run: its change shows at the first step.
  let settingUp = true;
  const waits = createPersonWaits(() => settingUp || show(currentStep));
  const status = (): TaskStatus => ({
    phase: result ? 'finished' : waits.question ? 'needs_input' : waits.approval ? 'needs_approval' : claims.holdsScreen || working ? 'running' : 'queued',
    queuePosition: claims.holdsScreen ? 0 : claims.queuePosition,
    stepsTaken,
    currentStep,
    recentSteps,
    result,
    ...(waits.question ? { question: waits.question } : {}),
    ...(waits.approval ? { approval: waits.approval } : {}),
  });
  setHandler(taskStatusQuery, status);
  const claims = createScreenClaims({ desktopId: input.desktopId, taskId, holdsScreen: carried?.holdsScreen ?? false }, (position) =>
    settingUp || show(working ? `Waiting for the screen: number ${position} in line` : `Queued: number ${position} in line`),
  );

  let published = '';
  settingUp = false;
  /** Shows the step in the Web UI and publishes progress in the memo, if anything changed. */
  function show(step: string): void {
    currentStep = step;
    setCurrentDetails(`**${step}**\n\nSteps taken: ${stepsTaken} of ${stepLimit}`);
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

  const toolContext: ToolRunContext = {
    taskId,
    model,
    async screenGeometry() {
      if (!geometry) await screenshot();
      return geometry!;
    },
    async askPerson(question) {
      // A question can wait a day: the screen is not held meanwhile.
      await claims.releaseScreen();
      show('Waiting for your answer');
      return waits.ask(question, (input.askTimeoutSeconds ?? DEFAULT_ASK_TIMEOUT_SECONDS) * 1000);
    },
  };

  /** The approval gate: undefined when the call may run, else the answer the model gets instead. */
  async function gate(call: ToolCall, family: ToolFamily): Promise<ToolResultRecord | undefined> {
    const tool = family.actionName(call);
    if (!(family.alwaysNeedsApproval(call) || approveList.has(tool)) || waits.alwaysApproved(tool)) return undefined;
    const summary = family.describe(call);
    show(`Waiting for your approval: ${summary}`);
    const verdict = await waits.approve({ id: call.id, tool, summary, input: call.input }, (input.approvalTimeoutSeconds ?? DEFAULT_APPROVAL_TIMEOUT_SECONDS) * 1000);
    if (verdict === 'approved') return undefined;
    const text =
      verdict === 'declined'
        ? 'The person declined this action, so it was not carried out. Do not try it again another way; ask with ask_user if you need to know why, or go on without it.'
        : 'No approval came in time, so this action was not carried out.';
    return { toolUseId: call.id, isError: true, text };
  }

  /**
   * Runs one turn's tool calls in order, each by the family that owns it. Cancellation is checked
   * between calls; once a call of a toolset fails, its later calls in the turn are answered as not
   * executed. When a call may have changed the screen, the last successful result of a call that
   * used it carries a fresh screenshot.
   */
  async function runTurn(calls: ToolCall[], narration: string | undefined): Promise<ToolResultRecord[]> {
    const results: ToolResultRecord[] = [];
    /** The turn's narration goes with its first step. */
    let said = narration;
    const details = (call: ToolCall, family: ToolFamily): Partial<StepRecord> => {
      const extra: Partial<StepRecord> = { ...family.stepDetails?.(call, geometry) };
      if (input.redactTyping) delete extra.typed;
      if (extra.point && geometry) extra.screen = geometry.logical;
      const withNarration = said ? { ...extra, narration: said } : extra;
      said = undefined;
      return withNarration;
    };
    const failedFamilies = new Set<ToolFamily>();
    let lastOnScreen: ToolResultRecord | undefined;
    let screenChanged = false;
    for (const call of calls) {
      if (CancellationScope.current().consideredCancelled) break;
      const family = familyFor(call);
      const skipped = family && failedFamilies.has(family) ? family.notExecutedAfterFailure(call) : undefined;
      if (!family || skipped !== undefined) {
        const outcome = family ? { toolUseId: call.id, isError: true, text: skipped } : unknownToolResult(call);
        results.push(withToolset(call, outcome));
        continue;
      }
      if (family.needsScreen(call) && !claims.holdsScreen) {
        show(`Waiting for the screen${claims.busyHolder ? `, held by ${claims.busyHolder}` : ''}`);
        await claims.takeScreen(false);
        if (family.changesScreen(call)) {
          results.push(withToolset(call, { toolUseId: call.id, isError: true, text: LOOK_FIRST }));
          failedFamilies.add(family);
          continue;
        }
      }
      const refused = await gate(call, family);
      if (refused) {
        results.push(withToolset(call, refused));
        record({ description: family.describe(call), ...details(call, family), isError: true, detail: refused.text });
        failedFamilies.add(family);
        continue;
      }
      const description = family.describe(call);
      show(description);
      const shown = details(call, family);
      const outcome = withToolset(call, await family.run(call, toolContext));
      results.push(outcome);
      record({ description, ...shown, screenshotRef: lastScreenshotRef ?? undefined, isError: outcome.isError, detail: outcome.isError ? outcome.text : undefined });
      if (outcome.isError) failedFamilies.add(family);
      // An error result may carry text only, so the fresh screenshot goes on the last call that worked.
      if (family.needsScreen(call) && !outcome.isError && !outcome.imageRef) lastOnScreen = outcome;
      if (family.changesScreen(call)) screenChanged = true;
    }
    if (screenChanged && !CancellationScope.current().consideredCancelled) {
      const shot = await screenshot();
      if (lastOnScreen) {
        lastOnScreen.imageRef = shot.imageRef;
        lastOnScreen.imageMediaType = shot.mediaType as ToolResultRecord['imageMediaType'];
      }
    }
    return results;
  }

  // Everything the task does runs in `work`, which the time limit cancels; a person's cancel
  // reaches it through the workflow's own scope.
  const work = new CancellationScope();
  let timedOut = false;
  const timeLimitMs = input.timeoutSeconds !== undefined && patched(TASK_TIMEOUT) ? input.timeoutSeconds * 1000 : undefined;
  const stopped = (): TaskResult =>
    timedOut
      ? finish('timed_out', `Stopped after ${stepsTaken} steps: the task reached its time limit of ${formatDuration(timeLimitMs!)}.`)
      : finish('cancelled', 'Cancelled.');

  try {
    if (timeLimitMs !== undefined) {
      const left = timeLimitMs - (Date.now() - workflowInfo().startTime.getTime());
      sleep(Math.max(1, left)).then(
        () => {
          timedOut = true;
          work.cancel();
        },
        () => undefined,
      );
    }
    return await work.run(() => runTask());
  } catch (error) {
    if (isCancellation(error)) return stopped();
    throw error;
  } finally {
    // A task that continues as new keeps what it holds into its next run.
    if (!continuing) await claims.release();
  }

  /** The task itself: take the screen if it is free, then decide and act until the model is done. */
  async function runTask(): Promise<TaskResult> {
    if (input.scheduleId && !carried && !followUp) {
      const check = await checkScheduledRun({ taskId, scheduleId: input.scheduleId });
      if (check.superseded) return finish('skipped', `Skipped: this run was due ${check.dueAt ?? 'earlier'}, and the run before it already did the work after that time.`);
    }
    if (input.maxParallel !== undefined && patched(DESKTOP_SLOTS)) {
      show('Waiting for the desktop');
      await claims.takeSlot(input.maxParallel);
    }
    if (!claims.holdsScreen) {
      show('Waiting for the desktop');
      // Tasks started before screen-on-demand wait for the screen before they begin.
      await claims.takeScreen(patched(SCREEN_ON_DEMAND));
    }
    working = true;
    show(claims.holdsScreen ? 'Looking at the screen' : 'Starting without the screen');

    for (;;) {
      if (stepsTaken >= stepLimit) {
        return finish('max_steps', `Stopped after ${stepsTaken} steps, the limit for this task, before the model said it was done.`);
      }
      let firstShot: { imageRef: string; mediaType: string } | undefined;
      if (transcriptRef === null || geometry === null) {
        if (claims.holdsScreen) firstShot = await screenshot();
        else geometry = await measureScreen({ model });
      }

      if (waits.hasMessages()) {
        pendingText = [pendingText, ...waits.takeMessages().map((message) => `A message from the person: ${message}`)].filter(Boolean).join('\n\n');
      }
      // Holding the screen while working elsewhere (files, the browser) would keep a task that
      // needs it waiting for this one's end: let it go now; the next computer call takes it back.
      if (!lastTurnUsedScreen && claims.holdsScreen && patched(YIELD_IDLE_SCREEN)) await claims.yieldScreenIfWanted();
      show(stepsTaken === 0 ? 'Thinking about the task' : 'Thinking about the next step');
      const decision = await decideNextStep({
        model,
        prompt,
        transcriptRef,
        toolResults: pendingResults,
        ...(pendingText !== undefined ? { userText: pendingText } : {}),
        screenshot: firstShot ? { ref: firstShot.imageRef, mediaType: firstShot.mediaType } : undefined,
        ...(transcriptRef === null && !claims.holdsScreen ? { note: SCREEN_BUSY_NOTE } : {}),
        geometry: geometry!,
      });
      stepsTaken++;
      // A cancel that came while the model answered wins over its answer.
      if (CancellationScope.current().consideredCancelled) return stopped();
      transcriptRef = decision.transcriptRef;
      pendingResults = [];
      pendingText = undefined;

      if (decision.toolUses.length === 0) {
        const ending = decision.stopReason === 'max_tokens' || decision.stopReason === 'refusal';
        if (ending && patched(STOP_REASONS)) {
          if (decision.stopReason === 'refusal') {
            return finish('declined', `The model declined to do this task.${decision.text ? ` It said: ${decision.text}` : ''}`);
          }
          pendingText = CUT_OFF;
          continue;
        }
        // A message that came while the model was finishing is read before the task ends.
        if (waits.hasMessages()) continue;
        return finish('completed', decision.text || 'The task is done.');
      }

      const results = await runTurn(decision.toolUses, decision.narration);
      lastTurnUsedScreen = decision.toolUses.some((call) => familyFor(call)?.needsScreen(call) === true);
      if (CancellationScope.current().consideredCancelled) return stopped();
      pendingResults = results;

      if (workflowInfo().continueAsNewSuggested) {
        continuing = true;
        const carry: TaskCarryOver = {
          stepsTaken,
          transcriptRef,
          pendingToolResults: pendingResults,
          recentSteps,
          holdsScreen: claims.holdsScreen,
          geometry,
          lastScreenshotRef,
          ...(stepLimit !== maxSteps ? { stepLimitFrom: stepLimit - maxSteps } : {}),
        };
        return await continueAsNew<typeof agentTask>(input, carry);
      }
    }
  }
}

/** "4 h", "90 min", "45 s": a time limit as a person reads it. */
function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
