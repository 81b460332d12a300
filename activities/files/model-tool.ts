import { z, type ZodType } from 'zod';
import type { ToolResultRecord } from '../../common/contract.js';
import { modelFixableMessage } from './granted-roots.js';
import { ToolRefusal } from './tool-refusal.js';

export { ToolRefusal };

/**
 * What a file tool answers besides its text: a picture (an image file the model viewed) or more
 * content blocks (a PDF by reference), both stored in the content store, never inline.
 */
export type ToolAnswer = Pick<ToolResultRecord, 'imageRef' | 'imageMediaType' | 'blocks'> & { text: string };

/** What a file tool hands back before it becomes a tool result. */
export interface ToolOutcome extends ToolAnswer {
  isError: boolean;
}

/**
 * Runs one call of a file tool: the model's input is validated first (a mismatch is an
 * `is_error` result naming the problem and the shapes the tool takes), then refusals and file
 * errors the model can fix become `is_error` results. Only failures worth retrying are thrown.
 */
export async function runModelTool<T>(
  tool: { name: string; schema: ZodType<T>; usage: string },
  input: unknown,
  execute: (request: T) => Promise<string | ToolAnswer>,
): Promise<ToolOutcome> {
  const parsed = tool.schema.safeParse(input);
  if (!parsed.success) {
    return { isError: true, text: `Invalid ${tool.name} input:\n${z.prettifyError(parsed.error)}\n${tool.usage}` };
  }
  try {
    const answer = await execute(parsed.data);
    return typeof answer === 'string' ? { isError: false, text: answer } : { isError: false, ...answer };
  } catch (error) {
    const message = error instanceof ToolRefusal ? error.message : modelFixableMessage(error);
    if (message === undefined) throw error;
    return { isError: true, text: message };
  }
}
