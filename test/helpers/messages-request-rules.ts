import type { MessageCreateParamsNonStreaming as GaRequest } from '@anthropic-ai/sdk/resources/messages';
import type {
  BetaMessageParam,
  BetaTextBlockParam,
  BetaToolResultBlockParam,
  MessageCreateParamsNonStreaming as BetaRequest,
} from '@anthropic-ai/sdk/resources/beta/messages';
import { checkDocuments, MAX_REQUEST_BYTES } from './messages-document-rules.js';
import { checkImages } from './messages-image-rules.js';
import { resolveModel, type KnownModel } from './messages-model-table.js';
import { blocksOf, firstRefusal, invalid, isRecord, resultBlocksOf, type Json, type Loose, type Refusal } from './messages-refusal.js';
import { checkTools } from './messages-tool-rules.js';
import { checkToolTurns } from './messages-turn-rules.js';

export type { Refusal } from './messages-refusal.js';

/** A Messages API request in either dialect: GA (`client.messages`) or beta (`client.beta.messages`). */
export type MessagesRequest = GaRequest | BetaRequest;

/** Request headers as Node's http server hands them over. */
export type RequestHeaders = Record<string, string | string[] | undefined>;

const MAX_TOKENS_CEILING = 128_000;
const MAX_CACHE_BREAKPOINTS = 4;

/** The betas a request opted into: the `anthropic-beta` header, comma-separated, possibly repeated. */
function betasOf(headers: RequestHeaders): Set<string> {
  const raw = headers['anthropic-beta'];
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return new Set(values.flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean));
}

function checkModel(model: unknown): Refusal | undefined {
  if (typeof model !== 'string' || model === '') return invalid('model: Field required (a non-empty string)');
  if (!resolveModel(model)) return { status: 404, type: 'not_found_error', message: `model: ${model}` };
  return undefined;
}

function checkMaxTokens(maxTokens: unknown): Refusal | undefined {
  if (!Number.isInteger(maxTokens) || (maxTokens as number) < 1 || (maxTokens as number) > MAX_TOKENS_CEILING) {
    return invalid(`max_tokens: Input should be an integer from 1 to ${MAX_TOKENS_CEILING} (got ${JSON.stringify(maxTokens)})`);
  }
  return undefined;
}

function checkTextBlock(path: string, block: Json): Refusal | undefined {
  const text = (block as Loose<BetaTextBlockParam>).text;
  if (typeof text !== 'string') return invalid(`${path}.text: Field required`);
  if (text === '') return invalid(`${path}: text content blocks must be non-empty`);
  return undefined;
}

function checkSystem(system: unknown): Refusal | undefined {
  if (system === undefined || typeof system === 'string') return undefined;
  if (!Array.isArray(system)) return invalid('system: Input should be a valid string or a list of text blocks');
  for (const [index, block] of system.entries()) {
    if (!isRecord(block) || block.type !== 'text') return invalid(`system.${index}: Input should be a text block`);
    const refusal = checkTextBlock(`system.${index}`, block);
    if (refusal) return refusal;
  }
  return undefined;
}

/** Each block an object with a type; text blocks (also inside tool results) not empty. */
function checkBlocks(path: string, blocks: unknown[]): Refusal | undefined {
  for (const [index, block] of blocks.entries()) {
    const where = `${path}.${index}`;
    if (!isRecord(block) || typeof block.type !== 'string') return invalid(`${where}: Input should be a content block with a type`);
    if (block.type === 'text') {
      const refusal = checkTextBlock(where, block);
      if (refusal) return refusal;
    }
    if (block.type === 'tool_result') {
      const content = (block as Loose<BetaToolResultBlockParam>).content;
      if (content !== undefined && typeof content !== 'string' && !Array.isArray(content)) return invalid(`${where}.content: Input should be a string or a list`);
      const refusal = Array.isArray(content) ? checkBlocks(`${where}.content`, content) : undefined;
      if (refusal) return refusal;
    }
  }
  return undefined;
}

/** A non-empty list that starts with a user turn and alternates user/assistant, each with content. */
function checkMessageShapes(messages: unknown): Refusal | undefined {
  if (!Array.isArray(messages) || messages.length === 0) return invalid('messages: Input should be a non-empty list');
  for (const [index, message] of messages.entries()) {
    const path = `messages.${index}`;
    if (!isRecord(message)) return invalid(`${path}: Input should be an object`);
    const { role, content } = message as Loose<BetaMessageParam>;
    if (role !== 'user' && role !== 'assistant') return invalid(`${path}.role: Input should be 'user' or 'assistant'`);
    if (index === 0 && role !== 'user') return invalid(`${path}: the first message must use the "user" role`);
    if (index > 0 && (messages[index - 1] as Json).role === role) {
      return invalid(`${path}: roles must alternate between "user" and "assistant", but found multiple "${role}" roles in a row`);
    }
    if (typeof content !== 'string' && !Array.isArray(content)) return invalid(`${path}.content: Input should be a string or a list of content blocks`);
    if (content.length === 0) return invalid(`${path}: all messages must have non-empty content except for the optional final assistant message`);
    const refusal = Array.isArray(content) ? checkBlocks(`${path}.content`, content) : undefined;
    if (refusal) return refusal;
  }
  return undefined;
}

function countCacheControl(items: Json[]): number {
  return items.filter((item) => item.cache_control !== undefined && item.cache_control !== null).length;
}

/** Breakpoints in system blocks, tool entries and message blocks (tool results' inner blocks too). */
function checkCacheBreakpoints(request: Loose<MessagesRequest>, messages: Json[]): Refusal | undefined {
  let found = Array.isArray(request.system) ? countCacheControl(request.system.filter(isRecord)) : 0;
  found += Array.isArray(request.tools) ? countCacheControl(request.tools.filter(isRecord)) : 0;
  for (const message of messages) {
    const blocks = blocksOf(message);
    found += countCacheControl(blocks);
    for (const block of blocks) if (block.type === 'tool_result') found += countCacheControl(resultBlocksOf(block));
  }
  if (found > MAX_CACHE_BREAKPOINTS) {
    return invalid(`A maximum of ${MAX_CACHE_BREAKPOINTS} blocks with cache_control may be provided. Found ${found}.`);
  }
  return undefined;
}

/**
 * Whether the real Messages API would refuse this request, and how: the status, error type and
 * message it would answer with, or undefined for a request it accepts. The body is parsed
 * defensively (it is whatever the product sent); the rules, each in the module for its concern,
 * run in the order the API reports them: model, sizes and shapes, tools, turns, caching, images, documents.
 */
/** Server-side context editing is a beta: without its header the API does not know the field. */
function checkContextManagement(value: unknown, betas: ReadonlySet<string>): Refusal | undefined {
  if (value === undefined || value === null) return undefined;
  if (!betas.has('context-management-2025-06-27')) return invalid("context_management: Extra inputs are not permitted (it needs 'anthropic-beta: context-management-2025-06-27')");
  const edits = isRecord(value) ? value.edits : undefined;
  if (!Array.isArray(edits) || edits.length === 0) return invalid('context_management.edits: Field required');
  const known = new Set(['clear_tool_uses_20250919', 'clear_thinking_20251015']);
  const bad = edits.findIndex((edit) => !isRecord(edit) || typeof edit.type !== 'string' || !known.has(edit.type));
  return bad >= 0 ? invalid(`context_management.edits.${bad}.type: must be one of ${[...known].join(', ')}`) : undefined;
}

export function checkMessagesRequest(body: unknown, headers: RequestHeaders): Refusal | undefined {
  if (!isRecord(body)) return invalid('The request body is not a JSON object');
  if (Buffer.byteLength(JSON.stringify(body)) > MAX_REQUEST_BYTES) {
    return { status: 413, type: 'request_too_large', message: `Request exceeds the maximum allowed number of bytes (${MAX_REQUEST_BYTES}).` };
  }
  const request = body as Loose<MessagesRequest>;
  const shapes = firstRefusal(
    () => checkModel(request.model),
    () => checkMaxTokens(request.max_tokens),
    () => checkSystem(request.system),
    () => checkMessageShapes(request.messages),
  );
  if (shapes) return shapes;
  const model = request.model as string;
  const known = resolveModel(model) as KnownModel;
  const messages = request.messages as Json[];
  return firstRefusal(
    () => checkContextManagement((request as Loose<MessagesRequest> & { context_management?: unknown }).context_management, betasOf(headers)),
    () => checkTools(model, known, request.tools, betasOf(headers)),
    () => checkToolTurns(messages),
    () => checkCacheBreakpoints(request, messages),
    () => checkImages(known, messages),
    () => checkDocuments(messages),
  );
}
