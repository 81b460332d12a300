import type { BetaToolResultBlockParam, BetaToolUseBlockParam } from '@anthropic-ai/sdk/resources/beta/messages';
import { blocksOf, invalid, type Json, type Loose, type Refusal } from './messages-refusal.js';
import { checkToolsetResult } from './messages-toolset-rules.js';

/** The tool calls of an assistant turn, by id, with the toolset each belongs to (if any). */
function toolUses(message: Json): Map<string, { toolset: string | undefined }> {
  const uses = new Map<string, { toolset: string | undefined }>();
  for (const block of blocksOf(message)) {
    if (block.type !== 'tool_use') continue;
    const use = block as Loose<BetaToolUseBlockParam>;
    uses.set(String(use.id), { toolset: typeof use.toolset_name === 'string' ? use.toolset_name : undefined });
  }
  return uses;
}

function isEmptyContent(content: unknown): boolean {
  return content === undefined || content === null || content === '' || (Array.isArray(content) && content.length === 0);
}

/**
 * How tool calls and their results line up across turns, as the real API insists: every
 * `tool_use` of an assistant turn is answered by a `tool_result` in the very next user turn (when
 * there is one), every `tool_result` answers a call of the turn just before, results come before
 * anything else in their turn, ids are unique, an `is_error` result says something, and a toolset
 * member's result carries its `toolset_name` and only what a toolset result may hold.
 * Runs after the shape rules, so roles alternate and content is blocks.
 */
export function checkToolTurns(messages: Json[]): Refusal | undefined {
  const seenIds = new Set<string>();
  for (const [m, message] of messages.entries()) {
    const blocks = blocksOf(message);
    if (message.role === 'assistant') {
      for (const [b, block] of blocks.entries()) {
        if (block.type === 'tool_result') return invalid(`messages.${m}.content.${b}: tool_result blocks may only appear in user messages`);
        if (block.type !== 'tool_use') continue;
        const use = block as Loose<BetaToolUseBlockParam>;
        if (typeof use.id !== 'string' || use.id === '') return invalid(`messages.${m}.content.${b}.tool_use.id: Field required`);
        if (typeof use.name !== 'string' || use.name === '') return invalid(`messages.${m}.content.${b}.tool_use.name: Field required`);
        if (seenIds.has(use.id)) return invalid(`messages.${m}.content.${b}: \`tool_use\` ids must be unique. Found '${use.id}' more than once.`);
        seenIds.add(use.id);
      }
      const next = messages[m + 1];
      if (!next) continue;
      const answered = new Set(blocksOf(next).filter((block) => block.type === 'tool_result').map((block) => String(block.tool_use_id)));
      const unanswered = [...toolUses(message).keys()].filter((id) => !answered.has(id));
      if (unanswered.length > 0) {
        return invalid(
          `messages.${m + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${unanswered.join(', ')}. ` +
            'Each `tool_use` block must have a corresponding `tool_result` block in the next message.',
        );
      }
      continue;
    }

    const calls = m > 0 ? toolUses(messages[m - 1]!) : new Map<string, { toolset: string | undefined }>();
    const answered = new Set<string>();
    let otherContentSeen = false;
    for (const [b, block] of blocks.entries()) {
      const path = `messages.${m}.content.${b}`;
      if (block.type === 'tool_use') return invalid(`${path}: tool_use blocks may only appear in assistant messages`);
      if (block.type !== 'tool_result') {
        otherContentSeen = true;
        continue;
      }
      const result = block as Loose<BetaToolResultBlockParam>;
      const id = String(result.tool_use_id);
      if (otherContentSeen) return invalid(`${path}: tool_result blocks must come first in the user message, before any other content`);
      const call = calls.get(id);
      if (!call) {
        return invalid(`${path}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`);
      }
      if (answered.has(id)) return invalid(`${path}: more than one tool_result for tool_use_id ${id}`);
      answered.add(id);
      if (result.is_error === true && isEmptyContent(result.content)) return invalid(`${path}: an is_error tool_result must have non-empty content`);
      if (call.toolset !== undefined) {
        const refusal = checkToolsetResult(path, call.toolset, block);
        if (refusal) return refusal;
      } else if (result.toolset_name !== undefined && result.toolset_name !== null) {
        return invalid(`${path}: toolset_name '${String(result.toolset_name)}' does not match its tool_use, which is no toolset member`);
      }
    }
  }
  return undefined;
}
