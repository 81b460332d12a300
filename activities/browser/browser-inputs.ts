import { ToolError } from '@anthropic-ai/sdk/helpers/beta/toolsets';
import { z } from 'zod';

/**
 * The browser toolset's member inputs, checked before the browser is touched. The SDK passes the
 * model's input through unchecked (and marks absent optionals `null`); these schemas are the
 * boundary, and a mismatch is a message the model can act on.
 */

const finite = z.number().finite();
const tabId = z.string().min(1).max(100).optional();

export const coordinateTarget = z.object({ type: z.literal('coordinate'), x: finite, y: finite });
export const refTarget = z.object({ type: z.literal('ref'), ref: z.string().regex(/^ref_\d{1,9}$/, 'a reference looks like "ref_12"') });
export const clickTarget = z.discriminatedUnion('type', [coordinateTarget, refTarget]);
export type CoordinateTarget = z.infer<typeof coordinateTarget>;
export type RefTarget = z.infer<typeof refTarget>;
export type ClickTarget = z.infer<typeof clickTarget>;

export const schemas = {
  navigate: z.object({ url: z.string().min(1).max(8192), tab_id: tabId }),
  read_page: z.object({ depth: z.number().int().min(1).max(100).optional(), filter: z.enum(['interactive', 'all']).optional(), ref: refTarget.shape.ref.optional(), tab_id: tabId }),
  find: z.object({ query: z.string().trim().min(1).max(500), tab_id: tabId }),
  tabOnly: z.object({ tab_id: tabId }),
  form_input: z.object({ target: refTarget, value: z.union([z.string().max(100_000), z.number(), z.boolean()]), tab_id: tabId }),
  click: z.object({ target: clickTarget, modifiers: z.string().max(100).optional(), tab_id: tabId }),
  hover: z.object({ target: clickTarget, tab_id: tabId }),
  left_click_drag: z.object({ from: coordinateTarget, target: coordinateTarget, tab_id: tabId }),
  pointAt: z.object({ target: coordinateTarget, tab_id: tabId }),
  scroll: z.object({
    scroll_direction: z.enum(['up', 'down', 'left', 'right']),
    target: coordinateTarget,
    scroll_amount: z.number().int().min(1).max(10).optional(),
    tab_id: tabId,
  }),
  scroll_to: z.object({ target: refTarget, tab_id: tabId }),
  type: z.object({ text: z.string().min(1).max(100_000), tab_id: tabId }),
  key: z.object({ text: z.string().min(1).max(1000), repeat: z.number().int().min(1).max(100).optional(), tab_id: tabId }),
  hold_key: z.object({ text: z.string().min(1).max(100), duration: z.number().min(0).max(30), tab_id: tabId }),
  wait: z.object({ duration: z.number().min(0).max(30), tab_id: tabId }),
  zoom: z.object({ region: z.tuple([finite, finite, finite, finite]), tab_id: tabId }),
  tabRequired: z.object({ tab_id: z.string().min(1).max(100) }),
  javascript_exec: z.object({ text: z.string().min(1).max(100_000), tab_id: tabId }),
  file_upload: z.object({ target: refTarget, paths: z.array(z.string().min(1).max(4096)).min(1).max(20).optional(), tab_id: tabId }),
  none: z.object({}),
} as const;

/** The toolset's inputs mark absent optionals as `null`; the schemas know them only as absent. */
function withoutNulls(input: unknown): Record<string, unknown> {
  const fields = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null));
}

/** The member's input, validated, or a {@link ToolError} naming what is wrong with it. */
export function parseMemberInput<S extends z.ZodType>(member: string, schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(withoutNulls(input));
  if (!parsed.success) throw new ToolError(`Invalid input for ${member}:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
