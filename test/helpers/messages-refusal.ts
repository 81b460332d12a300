/**
 * What the fake Messages API answers instead of a scripted reply when the real API would refuse
 * the request, and the small helpers its rule modules share to read a request defensively.
 */
export interface Refusal {
  status: 400 | 404 | 413;
  type: 'invalid_request_error' | 'not_found_error' | 'request_too_large';
  /** Names the offending field first (`messages.2.content.0: ...`), as the real API does. */
  message: string;
}

/** A 400 invalid_request_error: the request is malformed or asks for something the model does not do. */
export function invalid(message: string): Refusal {
  return { status: 400, type: 'invalid_request_error', message };
}

/**
 * An SDK request type with every field present but `unknown`: the field names are checked by the
 * compiler against the SDK, the values are untrusted input until a rule has looked at them.
 */
export type Loose<T> = { [K in keyof T]?: unknown };

/** A JSON object from the request, its fields not yet looked at. */
export type Json = Record<string, unknown>;

/** Whether a value is a JSON object (not null, not a list): the first question about any untrusted field. */
export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A message's content as blocks: string content is one text block. Call after the shape rules passed. */
export function blocksOf(message: { content?: unknown }): Json[] {
  const { content } = message;
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return Array.isArray(content) ? content.filter(isRecord) : [];
}

/** A tool_result's inner blocks: string content is one text block, absent content none. */
export function resultBlocksOf(block: Json): Json[] {
  return blocksOf({ content: block.content ?? [] });
}

/** The first refusal a list of checks produces, running each only while none has refused. */
export function firstRefusal(...checks: Array<() => Refusal | undefined>): Refusal | undefined {
  for (const check of checks) {
    const refusal = check();
    if (refusal) return refusal;
  }
  return undefined;
}
