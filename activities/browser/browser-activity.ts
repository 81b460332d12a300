import { ApplicationFailure } from '@temporalio/common';
import type { BetaToolResultBlockParam, BetaToolUseBlock } from '@anthropic-ai/sdk/resources/beta';
import { z } from 'zod';
import { ErrorType, interruptedBeforeReport, type ToolResultRecord } from '../../common/contract.js';
import { currentActivity, whileHeartbeating } from '../heartbeat.js';
import type { ContentStore } from '../store/content-store.js';
import type { ToolCallJournal } from '../store/tool-call-journal.js';
import type { BrowserTabs } from './browser-tabs.js';
import { AgentBrowserToolset, BROWSER_TOOLSET_NAME } from './browser-toolset.js';
import type { TaskTabs } from './task-tabs.js';

/** One browser toolset call, as the workflow hands it to the desktop. */
export const browserCallSchema = z.object({
  taskId: z.string().min(1).max(500),
  toolUseId: z.string().min(1).max(500),
  /** The member called (`navigate`, `left_click`, …): the tool_use's name. */
  name: z.string().min(1).max(100),
  /** The input exactly as the model sent it; each member validates its own. */
  input: z.unknown(),
  /** The task's model; logged with the call. */
  model: z.string().max(200).optional(),
});
export type BrowserCallArgs = z.infer<typeof browserCallSchema>;

/**
 * Members that only read the browser. After a crash mid-call they simply run again; anything
 * else (a click, typing, a navigation, opening or closing a tab) is never repeated blindly.
 */
export const READ_ONLY_MEMBERS: ReadonlySet<string> = new Set(['read_page', 'find', 'get_page_text', 'screenshot', 'zoom', 'list_tabs', 'read_console', 'read_network', 'wait']);

/** What the model is told when a browser action's earlier attempt died before reporting back. */
export const INTERRUPTED_BROWSER_ACTION_TEXT =
  `${interruptedBeforeReport('This browser action')}. Call read_page or take a screenshot to see the current state before going on.`;

export interface BrowserActivityDeps {
  tabs: BrowserTabs;
  /** Screenshots are stored here, and travel through history as references. */
  store: Pick<ContentStore, 'put'>;
  journal: ToolCallJournal;
  navigationTimeoutMs?: number;
  heartbeatEveryMs?: number;
  /** The granted folders, where file_upload may take files from. */
  uploadRoots?: readonly string[];
}

type MediaType = NonNullable<ToolResultRecord['imageMediaType']>;

/** The SDK's tool_result as our record: text joined, the image stored, `browser_state` kept as a block. */
async function toRecord(toolUseId: string, block: BetaToolResultBlockParam, store: Pick<ContentStore, 'put'>): Promise<ToolResultRecord> {
  const content = typeof block.content === 'string' ? [{ type: 'text' as const, text: block.content }] : (block.content ?? []);
  const texts: string[] = [];
  const blocks: Array<Record<string, unknown>> = [];
  const result: ToolResultRecord = { toolUseId, toolsetName: BROWSER_TOOLSET_NAME, isError: block.is_error === true };
  for (const part of content) {
    if (part.type === 'text') texts.push(part.text);
    else if (part.type === 'image' && part.source.type === 'base64' && result.imageRef === undefined) {
      result.imageRef = await store.put(Buffer.from(part.source.data, 'base64'));
      result.imageMediaType = part.source.media_type as MediaType;
    } else blocks.push(part as unknown as Record<string, unknown>);
  }
  if (texts.length > 0) result.text = texts.join('\n');
  if (blocks.length > 0) result.blocks = blocks;
  return Object.freeze(result);
}

/**
 * The browser activity, over the desktop's shared browser and its tab registry. Each call runs
 * through the task's own toolset (its tabs, its pipeline state), so tasks never see each other's
 * tabs. A problem the model can fix, a page that does not load and even a browser that cannot
 * start come back as `is_error` results; only failures of the desktop's own storage throw.
 * Every call is journaled: a finished call answers with its recorded result, an interrupted one
 * is repeated only if it merely reads.
 */
export function createBrowserActivities(deps: BrowserActivityDeps) {
  const toolsets = new WeakMap<TaskTabs, AgentBrowserToolset>();
  const toolsetFor = (tabs: TaskTabs): AgentBrowserToolset => {
    let toolset = toolsets.get(tabs);
    if (!toolset) {
      toolset = new AgentBrowserToolset(tabs, { navigationTimeoutMs: deps.navigationTimeoutMs ?? 30_000, uploadRoots: deps.uploadRoots ?? [] });
      toolsets.set(tabs, toolset);
    }
    return toolset;
  };

  const run = (args: BrowserCallArgs): Promise<ToolResultRecord> =>
    deps.tabs.use(args.taskId, async (tabs) => {
      const toolUse = { type: 'tool_use', id: args.toolUseId, name: args.name, input: args.input ?? {}, toolset_name: BROWSER_TOOLSET_NAME } as unknown as BetaToolUseBlock;
      return toRecord(args.toolUseId, await toolsetFor(tabs).toolResult(toolUse), deps.store);
    });

  return {
    /** Carries out one browser toolset call for a task, at most once unless it only reads. */
    async performBrowserAction(raw: BrowserCallArgs): Promise<ToolResultRecord> {
      const parsed = browserCallSchema.safeParse(raw);
      if (!parsed.success) throw ApplicationFailure.nonRetryable(`Malformed browser call: ${z.prettifyError(parsed.error)}`, ErrorType.invalidTaskInput);
      const args = parsed.data;
      return whileHeartbeating(async () => {
        const earlier = await deps.journal.begin(args.taskId, args.toolUseId);
        if (earlier.kind === 'done') return earlier.result;
        if (earlier.kind === 'interrupted' && !READ_ONLY_MEMBERS.has(args.name)) {
          return { toolUseId: args.toolUseId, toolsetName: BROWSER_TOOLSET_NAME, isError: true, text: INTERRUPTED_BROWSER_ACTION_TEXT };
        }
        const result = await run(args);
        await deps.journal.finish(args.taskId, args.toolUseId, result);
        currentActivity()?.log.info('browser action', { member: args.name, isError: result.isError, model: args.model });
        return result;
      }, deps.heartbeatEveryMs ?? 5_000);
    },
  };
}
