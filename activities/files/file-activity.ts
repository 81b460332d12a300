import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { ToolResultRecord } from '../../common/contract.js';
import { systemClock, type Clock } from '../ports.js';
import { createToolCallJournal } from '../store/tool-call-journal.js';
import { FILE_MANAGER_TOOL_NAME, createFileManager } from './file-manager.js';
import { createGrantedRoots, isWithin } from './granted-roots.js';
import { TEXT_EDITOR_TOOL_NAME, createTextEditor, type ToolOutcome } from './text-editor.js';

/** `ApplicationFailure.type` for a call the workflow built wrongly (a bug, not the model's doing). */
export const INVALID_FILE_TOOL_CALL = 'InvalidFileToolCall';

export interface FileActivityDeps {
  /** Granted folders (DISPATCH_ROOTS), absolute. Relative tool paths resolve against the first. */
  roots: string[];
  /** Where `file_manager trash` puts items; the worker passes `<DISPATCH_HOME>/trash`. */
  trashDir: string;
  /** Where results of finished tool calls are recorded for retries, e.g. `<DISPATCH_HOME>/file-journal`. */
  journalDir: string;
  clock?: Clock;
  /** More folders the model may not touch even inside a root (e.g. DISPATCH_HOME). */
  excluded?: string[];
  /** `max_characters` of the text editor tool definition, applied to `view` output. */
  maxCharacters?: number;
}

export interface PerformFileToolArgs {
  taskId: string;
  toolUseId: string;
  toolName: string;
  input: unknown;
}

const INTERRUPTED_NOTE =
  '\n(An earlier attempt of this same call was interrupted and may already have taken effect; ' +
  'check the current state before trying again.)';

/**
 * The file tools as one activity. Tool errors the model can fix come back as `isError` results;
 * only I/O failures throw (and are retried by Temporal).
 *
 * Idempotent per (taskId, toolUseId): the result is journaled before it is returned, and a retry
 * returns the journaled result without running the tool again (see `tool-call-journal.ts`), so a
 * retried `str_replace` does not report "no match" and a retried `move` does not report "not
 * found". A retry that finds an attempt died mid-way runs the tool again and, if that fails,
 * tells the model the earlier attempt may have landed.
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
  const journal = createToolCallJournal(deps.journalDir, clock);

  const tools: Record<string, { run(input: unknown): Promise<ToolOutcome> }> = {
    [TEXT_EDITOR_TOOL_NAME]: createTextEditor({ roots, maxCharacters: deps.maxCharacters }),
    [FILE_MANAGER_TOOL_NAME]: createFileManager({ roots, trashDir: deps.trashDir, clock }),
  };

  /** Runs one file tool call from the model, at most once per (taskId, toolUseId). */
  const performFileTool = async (args: PerformFileToolArgs): Promise<ToolResultRecord> => {
    for (const key of ['taskId', 'toolUseId', 'toolName'] as const) {
      if (typeof args?.[key] !== 'string' || args[key] === '') {
        throw ApplicationFailure.nonRetryable(`performFileTool needs a non-empty ${key}`, INVALID_FILE_TOOL_CALL);
      }
    }
    const earlier = await journal.begin(args.taskId, args.toolUseId);
    if (earlier.kind === 'done') return earlier.result;
    const interrupted = earlier.kind === 'interrupted';

    const tool = tools[args.toolName];
    const outcome: ToolOutcome = tool
      ? await tool.run(args.input)
      : { isError: true, text: `Unknown file tool ${JSON.stringify(args.toolName)}. Expected one of: ${Object.keys(tools).join(', ')}.` };
    const result: ToolResultRecord = {
      toolUseId: args.toolUseId,
      isError: outcome.isError,
      text: outcome.isError && interrupted ? outcome.text + INTERRUPTED_NOTE : outcome.text,
    };

    await journal.finish(args.taskId, args.toolUseId, result);
    return result;
  };

  return { performFileTool };
}
