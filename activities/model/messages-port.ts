import { z } from 'zod';

/**
 * The Messages API as the model activity sees it. The Anthropic SDK is imported only by the
 * adapter in worker/adapters; this port keeps the activity testable and the SDK replaceable.
 */
export interface ModelRequest {
  model: string;
  max_tokens: number;
  system: Array<{ type: 'text'; text: string; cache_control?: { type: 'ephemeral' } }>;
  tools: Array<Record<string, unknown>>;
  messages: ApiMessage[];
  /** Beta flags; empty for the generally available toolsets (no `anthropic-beta` header is sent then). */
  betas: string[];
  thinking?: { type: 'adaptive'; display: 'summarized' };
  /** Server-side context editing (beta `context-management-2025-06-27`). */
  context_management?: { edits: ReadonlyArray<Record<string, unknown>> };
}

export interface ApiMessage {
  role: 'user' | 'assistant';
  content: Array<Record<string, unknown>>;
}

export interface MessagesPort {
  create(request: ModelRequest, signal: AbortSignal): Promise<unknown>;
}

/**
 * What the API said when it did not answer with a message. The adapter translates SDK errors to
 * this so classification (retry or give up) lives in one place that has no SDK import.
 */
export class ModelApiError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryAfterMs: number | undefined,
    /** The service never answered within the client's time limit. */
    readonly timedOut = false,
  ) {
    super(message);
    this.name = 'ModelApiError';
  }
}

const textBlock = z.object({ type: z.literal('text'), text: z.string() }).loose();
const toolUseBlock = z
  .object({
    type: z.literal('tool_use'),
    id: z.string().min(1).max(256),
    name: z.string().min(1).max(128),
    toolset_name: z.string().min(1).max(64).optional(),
    input: z.unknown(),
  })
  .loose();
const otherBlock = z.object({ type: z.string() }).loose();

/** The model's answer is untrusted input: validated here before anything acts on it. */
export const modelResponseSchema = z
  .object({
    content: z.array(z.union([textBlock, toolUseBlock, otherBlock])),
    stop_reason: z.string().nullable().optional(),
    usage: z
      .object({
        input_tokens: z.number().optional(),
        output_tokens: z.number().optional(),
        cache_read_input_tokens: z.number().nullable().optional(),
        cache_creation_input_tokens: z.number().nullable().optional(),
      })
      .loose()
      .optional(),
  })
  .loose();
export type ModelResponse = z.infer<typeof modelResponseSchema>;
