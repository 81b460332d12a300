import { z, type ZodType } from 'zod';
import { modelFixableMessage } from './granted-roots.js';

/** What a file tool hands back before it becomes a tool result. */
export interface ToolOutcome {
  isError: boolean;
  text: string;
}

/** Thrown by a tool for a request the model can fix; it comes back as an `is_error` result. */
export class ToolRefusal extends Error {}

/**
 * Runs one call of a file tool: the model's input is validated first (a mismatch is an
 * `is_error` result naming the problem and the shapes the tool takes), then refusals and file
 * errors the model can fix become `is_error` results. Only failures worth retrying are thrown.
 */
export async function runModelTool<T>(
  tool: { name: string; schema: ZodType<T>; usage: string },
  input: unknown,
  execute: (request: T) => Promise<string>,
): Promise<ToolOutcome> {
  const parsed = tool.schema.safeParse(input);
  if (!parsed.success) {
    return { isError: true, text: `Invalid ${tool.name} input:\n${z.prettifyError(parsed.error)}\n${tool.usage}` };
  }
  try {
    return { isError: false, text: await execute(parsed.data) };
  } catch (error) {
    const message = error instanceof ToolRefusal ? error.message : modelFixableMessage(error);
    if (message === undefined) throw error;
    return { isError: true, text: message };
  }
}
