/**
 * The scripted replies a test plays through the fake Messages API: model turns that call tools
 * (single tools, toolset members, or a mix), a final turn, and API errors in Anthropic's shape.
 */

export interface ScriptedReply {
  status?: number;
  headers?: Record<string, string>;
  body: unknown;
  /** Answer only once this resolves: "the model is thinking". */
  after?: Promise<void>;
}

let nextId = 0;

/**
 * One tool call of a scripted model turn: a custom or versioned tool (`computer`, a file tool),
 * or a toolset member when `toolset_name` is set (then `name` is the member).
 */
export interface ToolCall {
  name: string;
  input: unknown;
  id?: string;
  toolset_name?: 'computer' | 'browser';
}

/** A Messages API message with the given content; the server fills in `model` from the request. */
function message(content: Array<Record<string, unknown>>, stopReason: 'tool_use' | 'end_turn'): ScriptedReply {
  return {
    body: {
      id: `msg_${++nextId}`,
      type: 'message',
      role: 'assistant',
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 10 },
    },
  };
}

/** A model turn that calls tools, in order: any mix of custom, versioned and toolset-member calls. */
export function toolUseReply(...calls: ToolCall[]): ScriptedReply {
  return message(
    calls.map((call) => ({
      type: 'tool_use',
      id: call.id ?? `toolu_${++nextId}`,
      name: call.name,
      input: call.input,
      ...(call.toolset_name ? { toolset_name: call.toolset_name } : {}),
    })),
    'tool_use',
  );
}

/** One call of a toolset member (`left_click`, `navigate`…), for {@link toolsetReply} or {@link toolUseReply}. */
export function toolsetCall(member: string, input: object, options: { id?: string; toolset?: 'computer' | 'browser' } = {}): ToolCall {
  return { name: member, input, id: options.id ?? `toolu_${++nextId}`, toolset_name: options.toolset ?? 'computer' };
}

/** A model turn calling several toolset members in one batch. */
export function toolsetReply(...calls: ToolCall[]): ScriptedReply {
  return toolUseReply(...calls);
}

/** A computer-tool call (the single-tool `computer_2025…` versions, with `input.action`). */
export function computer(input: Record<string, unknown>): ScriptedReply {
  return toolUseReply({ name: 'computer', input });
}

/** The model's final turn. */
export function endTurn(text: string): ScriptedReply {
  return message([{ type: 'text', text }], 'end_turn');
}

/** An API error in Anthropic's error shape. */
export function apiError(status: number, type: string, message: string, headers?: Record<string, string>): ScriptedReply {
  return { status, headers, body: { type: 'error', error: { type, message } } };
}

