import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { ToolResultRecord } from '../../common/contract.js';
import { DEFAULT_MODEL } from '../../common/models.js';
import { whileHeartbeating } from '../heartbeat.js';
import { systemClock, type Clock } from '../ports.js';
import { imageLimitForModel } from '../screen/image-limits.js';
import type { ContentStore } from '../store/content-store.js';
import { createToolCallJournal, type IntentJournal } from '../store/tool-call-journal.js';
import { createChangeRecovery } from './change-recovery.js';
import { FILE_MANAGER_TOOL_NAME, createFileManager } from './file-manager.js';
import { createGrantedRoots, isWithin } from './granted-roots.js';
import type { ToolOutcome } from './model-tool.js';
import { TEXT_EDITOR_TOOL_NAME, createTextEditor, type ToolCallContext } from './text-editor.js';
import type { ChangeRecorder, WriteIntent } from './write-intent.js';

/** `ApplicationFailure.type` for a call the workflow built wrongly (a bug, not the model's doing). */
export const INVALID_FILE_TOOL_CALL = 'InvalidFileToolCall';

/** When this process started: temporaries older than this were left by a worker that died. */
const PROCESS_STARTED_AT = new Date(Date.now() - process.uptime() * 1000);

export interface FileActivityDeps {
  /** Granted folders (DISPATCH_ROOTS), absolute. Relative tool paths resolve against the first. */
  roots: string[];
  /** Where `file_manager trash` puts items; the worker passes `<DISPATCH_HOME>/trash`. */
  trashDir: string;
  /** Where results and intents of tool calls are recorded for retries, e.g. `<DISPATCH_HOME>/journal`. */
  journalDir: string;
  clock?: Clock;
  /** More folders the model may not touch even inside a root (e.g. DISPATCH_HOME). */
  excluded?: string[];
  /** `max_characters` of the text editor tool definition, applied to `view` output. */
  maxCharacters?: number;
  /** The journal in `journalDir`, unless given (tests wrap it to crash between two steps). */
  journal?: IntentJournal;
  /** When this worker started (default: the process's start); older temporaries of ours are stale. */
  startedAt?: Date;
  /** How often a running call heartbeats. Default 2 s, well inside the workflow's heartbeatTimeout. */
  heartbeatEveryMs?: number;
  /** Where pictures and PDFs the editor shows the model are kept; without it, it shows none. */
  store?: Pick<ContentStore, 'put'>;
  /** The model whose image rule applies to a call that names none. */
  defaultModel?: string;
}

export interface PerformFileToolArgs {
  taskId: string;
  toolUseId: string;
  toolName: string;
  input: unknown;
  /** The task's model: pictures the editor shows are fitted to its image rule. */
  model?: string;
}

interface FileTool {
  run(input: unknown, recorder: ChangeRecorder, context: ToolCallContext): Promise<ToolOutcome>;
}

/**
 * The file tools as one activity. Tool errors the model can fix come back as `isError` results;
 * only I/O failures throw (and are retried by Temporal, after a heartbeat timeout if the worker died).
 *
 * Idempotent per (taskId, toolUseId), by construction:
 * - a finished call's result is journaled, and a retry returns it without running the tool again;
 * - a call that changes files first journals a {@link WriteIntent} (paths, their fingerprints
 *   before and after, its answer, its temporaries), then changes them; its answer, on the first
 *   attempt and on any retry alike, comes from comparing the disk with that intent (see
 *   `change-recovery.ts`): made → the recorded answer; not made → run again; neither → "may or may not
 *   have happened". A retry never repeats an edit blindly, whenever the worker died.
 *
 * The trash and journal folders may sit inside a granted folder (say the whole home folder is
 * granted) but are then off limits to the model; they may not contain a granted folder.
 * Misconfiguration throws at construction.
 */
export function createFileActivities(deps: FileActivityDeps) {
  for (const [label, dir] of [['trashDir', deps.trashDir], ['journalDir', deps.journalDir]] as const) {
    if (!path.isAbsolute(dir)) throw new Error(`${label} must be an absolute path: ${dir}`);
    const root = deps.roots.find((candidate) => isWithin(path.resolve(dir), path.resolve(candidate)));
    if (root) throw new Error(`${label} (${dir}) must not contain the granted folder ${root}`);
  }
  const roots = createGrantedRoots(deps.roots, { excluded: [deps.trashDir, deps.journalDir, ...(deps.excluded ?? [])] });
  const clock = deps.clock ?? systemClock;
  const journal = deps.journal ?? createToolCallJournal(deps.journalDir, clock);
  const recovery = createChangeRecovery({ trashDir: path.resolve(deps.trashDir), startedAt: deps.startedAt ?? PROCESS_STARTED_AT });
  const heartbeatEveryMs = deps.heartbeatEveryMs ?? 2_000;

  const tools: Record<string, FileTool> = {
    [TEXT_EDITOR_TOOL_NAME]: createTextEditor({ roots, maxCharacters: deps.maxCharacters, store: deps.store }),
    [FILE_MANAGER_TOOL_NAME]: createFileManager({ roots, trashDir: deps.trashDir, clock }),
  };

  // Temporaries of calls that died and may never be retried (their task ended meanwhile).
  let leftoversRemoved: Promise<void> | undefined;
  const removeLeftovers = async (): Promise<void> => {
    for (const intent of await journal.unfinishedIntents().catch(() => [])) await recovery.removeLeftovers(intent);
  };

  /** One call at a time per tool use: a retry that overlaps a slow attempt in this process waits for it. */
  const running = new Map<string, Promise<unknown>>();
  const oneAtATime = <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const next = (running.get(key) ?? Promise.resolve()).then(work);
    const settled = next.catch(() => undefined);
    running.set(key, settled);
    void settled.then(() => running.get(key) === settled && running.delete(key));
    return next;
  };

  const answer = (args: PerformFileToolArgs, outcome: ToolOutcome): ToolResultRecord => ({
    toolUseId: args.toolUseId,
    isError: outcome.isError,
    text: outcome.text,
    ...(outcome.imageRef ? { imageRef: outcome.imageRef, imageMediaType: outcome.imageMediaType } : {}),
    ...(outcome.blocks ? { blocks: outcome.blocks } : {}),
  });

  const perform = async (args: PerformFileToolArgs): Promise<ToolResultRecord> => {
    await (leftoversRemoved ??= removeLeftovers());
    const earlier = await journal.begin(args.taskId, args.toolUseId);
    if (earlier.kind === 'done') return earlier.result;

    const tool = tools[args.toolName];
    let outcome: ToolOutcome | undefined = tool
      ? undefined
      : { isError: true, text: `Unknown file tool ${JSON.stringify(args.toolName)}. Expected one of: ${Object.keys(tools).join(', ')}.` };

    if (tool && earlier.kind === 'interrupted') outcome = await recovery.afterInterruption(await journal.intentOf(args.taskId, args.toolUseId));
    if (tool && !outcome) {
      let intent: WriteIntent | undefined;
      const recorder: ChangeRecorder = {
        async record(next) {
          await recovery.sweepFolders(next);
          await journal.recordIntent(args.taskId, args.toolUseId, next);
          intent = next;
        },
      };
      const context: ToolCallContext = { imageRule: imageLimitForModel(args.model ?? deps.defaultModel ?? DEFAULT_MODEL) };
      const ran = await tool.run(args.input, recorder, context).catch(async (error: unknown) => {
        // An I/O failure, retried by Temporal: the retry judges the disk; our half-made files go now.
        if (intent) await recovery.removeTemporaries(intent);
        throw error;
      });
      outcome = intent ? await recovery.afterRun(intent, ran) : ran;
    }

    const result = answer(args, outcome as ToolOutcome);
    await journal.finish(args.taskId, args.toolUseId, result);
    return result;
  };

  /** Runs one file tool call from the model; its effect happens at most once per (taskId, toolUseId). */
  const performFileTool = async (args: PerformFileToolArgs): Promise<ToolResultRecord> => {
    for (const key of ['taskId', 'toolUseId', 'toolName'] as const) {
      if (typeof args?.[key] !== 'string' || args[key] === '') {
        throw ApplicationFailure.nonRetryable(`performFileTool needs a non-empty ${key}`, INVALID_FILE_TOOL_CALL);
      }
    }
    return whileHeartbeating(() => oneAtATime(`${args.taskId}\0${args.toolUseId}`, () => perform(args)), heartbeatEveryMs);
  };

  return { performFileTool };
}
