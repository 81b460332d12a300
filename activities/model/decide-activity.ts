import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { BlobRef, ToolCall, ToolCallPolicy, ToolResultRecord } from '../../common/contract.js';
import { ErrorType } from '../../common/contract.js';
import { modelProfile, type ComputerDialect, type ModelProfile } from '../../common/models.js';
import type { ContentStore } from '../store/content-store.js';
import type { ScreenGeometry } from '../screen/coordinates.js';
import { modelResponseSchema, type MessagesPort, type ModelRequest } from './messages-port.js';
import { classifyModelError, givingUp, RETRY_BUDGET } from './model-errors.js';
import { DEFAULT_IMAGE_RETENTION, emptyTranscript, firstUserMessage, imageReference, toApiMessages, toolResultsMessage, type StoredTranscript } from './transcript.js';

export interface DecideInput {
  model: string;
  prompt: string;
  /** Null on the first turn: the transcript starts from the prompt and `screenshot`. */
  transcriptRef: BlobRef | null;
  /** Results of the previous turn's tool calls, in call order. */
  toolResults: ToolResultRecord[];
  /** Words for the model after those results, e.g. to go on after a reply that was cut off. */
  userText?: string;
  screenshot?: { ref: BlobRef; mediaType: string };
  /** A line after the prompt on the first turn, such as why there is no screenshot. */
  note?: string;
  geometry: ScreenGeometry;
}

/** The model's next move. Small enough for workflow history; the transcript itself is a ref. */
export interface ModelDecision {
  transcriptRef: BlobRef;
  toolUses: ToolCall[];
  text: string;
  /** What the model said and thought (summarized) this turn, for the person following along. */
  narration?: string;
  stopReason: string | null;
}

/** What a request offers the model: the tools entries and the beta flags they need. */
export interface ToolOffer {
  tools: Array<Record<string, unknown>>;
  betas: string[];
}

/**
 * Results for the calls of the last assistant turn that have none, such as those left when a task
 * was cancelled mid-turn and is now followed up: the API refuses a turn that leaves a call
 * unanswered, and the model should know they never ran.
 */
function unansweredCalls(last: { role: string; content: Array<Record<string, unknown>> } | undefined, answered: ToolResultRecord[]): ToolResultRecord[] {
  if (last?.role !== 'assistant') return [];
  const done = new Set(answered.map((result) => result.toolUseId));
  return last.content
    .filter((block) => block.type === 'tool_use' && !done.has(String(block.id)))
    .map((block) => ({
      toolUseId: String(block.id),
      ...(typeof block.toolset_name === 'string' ? { toolsetName: block.toolset_name } : {}),
      isError: true,
      text: 'Not carried out: the task stopped before this action ran.',
    }));
}

const CONTEXT_MANAGEMENT_BETA = 'context-management-2025-06-27';
/** Server-side clearing of old tool results: late (from 120k input tokens) and in large bites, so the cache is rebuilt rarely. */
const SERVER_SIDE_CLEARING = {
  edits: [
    {
      type: 'clear_tool_uses_20250919',
      trigger: { type: 'input_tokens', value: 120_000 },
      keep: { type: 'tool_uses', value: 12 },
      clear_at_least: { type: 'input_tokens', value: 30_000 },
    },
  ],
} as const;

/** The most of the model's final words a decision carries; the transcript keeps all of them. */
const MAX_DECISION_TEXT = 20_000;
/** The most tool input one decision may carry through workflow history. */
const MAX_DECISION_INPUTS = 1024 * 1024;

/** How much of a turn's narration travels to the phone; the transcript keeps all of it. */
const MAX_NARRATION = 2000;

/** The turn's summarized thinking and text, in order, as one short passage. */
function narrationOf(content: Array<Record<string, unknown>>): string | undefined {
  const parts = content.flatMap((block) => {
    if (block.type === 'thinking' && typeof block.thinking === 'string') return [block.thinking];
    if (block.type === 'text' && typeof block.text === 'string') return [block.text];
    return [];
  });
  const joined = parts.map((part) => part.trim()).filter(Boolean).join('\n\n');
  if (joined === '') return undefined;
  return joined.length > MAX_NARRATION ? `${joined.slice(0, MAX_NARRATION - 1)}…` : joined;
}

export interface ModelActivityDeps {
  messages: MessagesPort;
  store: ContentStore;
  systemPrompt: string;
  /**
   * Every tool family's declaration for this model and screen, in a stable order (so the cached
   * prefix stays byte-identical from turn to turn). Built by the composition root from the
   * families; this activity names none of them.
   */
  offerTools(profile: ModelProfile, geometry: ScreenGeometry): ToolOffer;
  computerToolOverride?: ComputerDialect;
  /** What the desktop knows about a call (e.g. an MCP tool's annotations), attached to it for the workflow. */
  policyFor?: (call: ToolCall) => ToolCallPolicy | undefined;
  maxTokens?: number;
  heartbeatEveryMs?: number;
}

/** Builds the model-decision activity around a Messages API port and the content store. */
export function createModelActivities(deps: ModelActivityDeps) {
  const heartbeatEveryMs = deps.heartbeatEveryMs ?? 5_000;

  async function loadTranscript(ref: BlobRef | null): Promise<StoredTranscript> {
    return ref === null ? emptyTranscript() : deps.store.getJson<StoredTranscript>(ref);
  }

  function buildTools(profile: ModelProfile, geometry: ScreenGeometry): ToolOffer {
    const offer = deps.offerTools(profile, geometry);
    const tools = [...offer.tools];
    // A breakpoint on the last tool caches the tool definitions and, with the system prompt, the stable prefix.
    tools[tools.length - 1] = { ...tools[tools.length - 1], cache_control: { type: 'ephemeral' } };
    return { tools, betas: offer.betas };
  }

  /**
   * Asks the model for its next move. Appends the previous turn's tool results and the model's
   * answer to the transcript and stores it; retrying this activity never duplicates a turn,
   * because it always starts from the transcript the workflow recorded.
   */
  async function decideNextStep(input: DecideInput): Promise<ModelDecision> {
    const transcript = await loadTranscript(input.transcriptRef);
    const messages = [...transcript.messages];
    if (input.transcriptRef === null) {
      messages.push(firstUserMessage(input.prompt, input.screenshot, input.note, input.userText));
    } else {
      if (input.toolResults.length === 0 && !input.userText) {
        throw ApplicationFailure.nonRetryable('A model turn needs the previous tool results or a message', ErrorType.invalidTaskInput);
      }
      const turn = toolResultsMessage([...input.toolResults, ...unansweredCalls(messages.at(-1), input.toolResults)]);
      if (input.userText) turn.content.push({ type: 'text', text: input.userText });
      if (input.screenshot) turn.content.push(imageReference(input.screenshot.ref, input.screenshot.mediaType) as unknown as Record<string, unknown>);
      messages.push(turn);
    }

    const profile = modelProfile(input.model, deps.computerToolOverride);
    const { tools, betas: toolBetas } = buildTools(profile, input.geometry);
    // Models whose thinking refers to old screenshots keep them all; the API clears old tool
    // results itself once the context grows large, where the cache can be rebuilt once.
    const betas = profile.keepsOldScreenshots ? [...toolBetas, CONTEXT_MANAGEMENT_BETA] : toolBetas;
    // Models that must see their old screenshots (their thinking refers to them) keep every one.
    const retention = profile.keepsOldScreenshots ? { keep: Number.POSITIVE_INFINITY, chunk: 1 } : DEFAULT_IMAGE_RETENTION;
    const request: ModelRequest = {
      model: input.model,
      max_tokens: deps.maxTokens ?? 8192,
      system: [{ type: 'text', text: deps.systemPrompt, cache_control: { type: 'ephemeral' } }],
      tools,
      messages: await toApiMessages({ version: 1, messages }, (ref) => deps.store.get(ref), retention),
      betas,
      ...(profile.keepsOldScreenshots ? { context_management: SERVER_SIDE_CLEARING } : {}),
      // Toolset models omit their thinking unless asked; summarized, it is the agent's narration.
      ...(profile.dialect === 'computer_toolset_20260801' ? { thinking: { type: 'adaptive', display: 'summarized' } as const } : {}),
    };

    const context = activityContext();
    // Local activities cannot heartbeat; a lost worker is noticed through its workflow task instead.
    const heartbeat = context && !context.info.isLocal ? setInterval(() => context.heartbeat(), heartbeatEveryMs) : undefined;
    let raw: unknown;
    try {
      raw = await deps.messages.create(request, context?.cancellationSignal ?? new AbortController().signal);
    } catch (error) {
      // Aborted because the task was cancelled: that is no outage to retry.
      if (context?.cancellationSignal.aborted) throw context.cancellationSignal.reason ?? error;
      throw classifyModelError(error, input.model, context?.info.attempt ?? 1);
    } finally {
      if (heartbeat) clearInterval(heartbeat);
    }

    const parsed = modelResponseSchema.safeParse(raw);
    if (!parsed.success) {
      const failure = ApplicationFailure.create({
        type: ErrorType.modelOutput,
        message: 'The model service answered with something that is not a message; retrying.',
        details: [parsed.error.message],
      });
      const attempt = context?.info.attempt ?? 1;
      throw attempt >= RETRY_BUDGET.badOutput ? givingUp(failure, attempt) : failure;
    }
    const content = parsed.data.content as Array<Record<string, unknown>>;
    messages.push({ role: 'assistant', content });
    const transcriptRef = await deps.store.putJson({ version: 1, messages } satisfies StoredTranscript);

    const toolUses: ToolCall[] = content
      .filter((block) => block.type === 'tool_use')
      .map((block) => ({
        id: String(block.id),
        name: String(block.name),
        ...(typeof block.toolset_name === 'string' ? { toolsetName: block.toolset_name } : {}),
        input: block.input,
      }))
      .map((call) => {
        const policy = deps.policyFor?.(call);
        return policy ? { ...call, policy } : call;
      });
    const text = content
      .filter((block) => block.type === 'text')
      .map((block) => String(block.text))
      .join('\n')
      .trim();
    context?.log.info('model decided', {
      toolUses: toolUses.map((use) => use.name),
      stopReason: parsed.data.stop_reason ?? null,
      cacheReadTokens: parsed.data.usage?.cache_read_input_tokens ?? 0,
    });
    const narration = narrationOf(content);
    // The decision travels through workflow history, which takes at most 2 MB a payload: the final
    // text is cut (the transcript keeps all of it), and tool inputs that large are refused at once
    // instead of failing the workflow task again and again.
    const inputsSize = JSON.stringify(toolUses.map((use) => use.input)).length;
    if (inputsSize > MAX_DECISION_INPUTS) {
      throw ApplicationFailure.nonRetryable(
        `The model's reply asked for tool calls with ${Math.round(inputsSize / 1024)} KB of input, more than a task step can carry (${MAX_DECISION_INPUTS / 1024} KB).`,
        ErrorType.modelOutput,
      );
    }
    const shownText = text.length > MAX_DECISION_TEXT ? `${text.slice(0, MAX_DECISION_TEXT)}… (the rest is in the task's transcript)` : text;
    return { transcriptRef, toolUses, text: shownText, ...(narration ? { narration } : {}), stopReason: parsed.data.stop_reason ?? null };
  }

  return { decideNextStep };
}

function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}
