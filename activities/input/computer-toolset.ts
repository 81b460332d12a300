import { BetaAbstractComputerToolset20260801, ToolError, type BetaToolsetCallContext } from '@anthropic-ai/sdk/helpers/beta/toolsets';
import type { BetaComputerMemberInput, BetaComputerMemberName, BetaToolUseBlock } from '@anthropic-ai/sdk/resources/beta';
import { z } from 'zod';
import type { ToolResultRecord } from '../../common/contract.js';
import type { CapturedImage } from '../ports.js';
import { computerActionSchema, type ComputerAction } from './computer-actions.js';
import type { ActionOutcome } from './execute-action.js';

/** The family name the API stamps on every computer toolset call (`tool_use.toolset_name`). */
export const COMPUTER_TOOLSET_NAME = 'computer';

/**
 * Runs one validated action on the desktop. A problem the model can fix is thrown as a
 * {@link ToolError}; anything else (a lost display) is thrown as it is, and must reach Temporal.
 */
export type ActionRunner = (action: ComputerAction) => Promise<ActionOutcome>;

/** The toolset's inputs mark absent optionals as `null`; our schema knows them only as absent. */
function withoutNulls(input: unknown): Record<string, unknown> {
  const fields = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null));
}

/**
 * `computer_toolset_20260801` on this desktop, built on the SDK's own toolset class so its
 * pipeline (member routing, result rendering such as "Clicked." or `X=…,Y=…`, refusals of unknown
 * members) is the SDK's, and only the driver is ours. Each member's input is validated with the
 * same schema as the older computer tools before anything touches the screen.
 *
 * One instance answers one call: it carries the call's runner and keeps the image it captured, so
 * the result can refer to the stored screenshot instead of carrying its bytes.
 */
class DesktopComputerToolset extends BetaAbstractComputerToolset20260801 {
  image: CapturedImage | undefined;
  /** An error that is the desktop's fault, not the model's: re-thrown after the SDK has rendered its result. */
  failure: unknown;

  constructor(
    private readonly runAction: ActionRunner,
    private readonly loadImage: (image: CapturedImage) => Promise<Buffer>,
  ) {
    // Approvals are decided by the workflow before this activity is scheduled, so by the time a
    // call reaches the desktop it has been approved.
    super({ confirm: () => true });
  }

  protected override async execute(_ctx: BetaToolsetCallContext, name: BetaComputerMemberName, input: BetaComputerMemberInput) {
    const parsed = computerActionSchema.safeParse({ ...withoutNulls(input), action: name });
    if (!parsed.success) throw new ToolError(`Invalid input for ${name}:\n${z.prettifyError(parsed.error)}`);
    let outcome: ActionOutcome;
    try {
      outcome = await this.runAction(parsed.data);
    } catch (error) {
      if (!(error instanceof ToolError)) this.failure = error;
      throw error;
    }
    if (outcome.image) {
      this.image = outcome.image;
      return { data: (await this.loadImage(outcome.image)).toString('base64'), mediaType: outcome.image.mediaType };
    }
    if (outcome.point) return { x: outcome.point.x, y: outcome.point.y };
    // A pure action's one line of its own (no window had the focus): the SDK puts it after its acknowledgment.
    return outcome.text;
  }
}

/** The toolset's entry in the request's `tools` list. */
export function computerToolsetDeclaration(): Record<string, unknown> {
  return new DesktopComputerToolset(() => Promise.reject(new Error('declaration only')), () => Promise.reject(new Error('declaration only'))).toJSON() as unknown as Record<string, unknown>;
}

/**
 * Answers one computer toolset member call: a tool result that echoes `toolset_name`, with the
 * SDK's wording, and the screenshot (if any) as a reference into the content store.
 */
export async function runComputerToolsetMember(
  call: { toolUseId: string; member: string; input: unknown },
  runAction: ActionRunner,
  loadImage: (image: CapturedImage) => Promise<Buffer>,
): Promise<ToolResultRecord> {
  const toolset = new DesktopComputerToolset(runAction, loadImage);
  const toolUse = { type: 'tool_use', id: call.toolUseId, name: call.member, input: call.input ?? {}, toolset_name: COMPUTER_TOOLSET_NAME } as unknown as BetaToolUseBlock;
  const block = await toolset.toolResult(toolUse);
  if (toolset.failure !== undefined) throw toolset.failure;

  const content = typeof block.content === 'string' ? [{ type: 'text' as const, text: block.content }] : (block.content ?? []);
  const text = content
    .flatMap((part) => (part.type === 'text' ? [part.text] : []))
    .join('\n');
  const result: ToolResultRecord = { toolUseId: call.toolUseId, toolsetName: COMPUTER_TOOLSET_NAME, isError: block.is_error === true };
  if (text !== '') result.text = text;
  if (toolset.image && !result.isError) {
    result.imageRef = toolset.image.ref;
    result.imageMediaType = toolset.image.mediaType;
  }
  return Object.freeze(result);
}
