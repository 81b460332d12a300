import { z } from 'zod';
import type { ComputerDialect } from '../../common/models.js';

/**
 * The actions of Anthropic's computer tool, validated where the model's tool input enters the
 * system. Every number is bounded so a confused model cannot ask for an hour-long wait or a
 * million scroll clicks; whether a coordinate lies on the screen is checked later, against the
 * geometry the model was shown.
 */

export type { ComputerDialect };

const MAX_COORDINATE = 65_535;
const MAX_TEXT = 10_000;
/** The computer-use toolset allows waits and held keys of up to 300 s; so do we, in every dialect. */
const MAX_SECONDS = 300;
const MAX_KEY_REPEAT = 100;

const pixel = z.int().min(0).max(MAX_COORDINATE);
const coordinate = z.tuple([pixel, pixel]);
const seconds = z.number().min(0).max(MAX_SECONDS);
const text = z.string().min(1).max(MAX_TEXT);
/** Modifier keys held during a click or scroll, e.g. "shift" or "ctrl+alt". */
const modifiers = z.string().max(MAX_TEXT).optional();

const click = <A extends string>(action: A) =>
  z.object({ action: z.literal(action), coordinate: coordinate.optional(), text: modifiers });

export const computerActionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('key'), text, repeat: z.int().min(1).max(MAX_KEY_REPEAT).optional() }),
  z.object({ action: z.literal('type'), text }),
  z.object({ action: z.literal('mouse_move'), coordinate }),
  click('left_click'),
  click('right_click'),
  click('middle_click'),
  click('double_click'),
  click('triple_click'),
  z.object({ action: z.literal('left_click_drag'), start_coordinate: coordinate, coordinate }),
  z.object({ action: z.literal('left_mouse_down'), coordinate: coordinate.optional() }),
  z.object({ action: z.literal('left_mouse_up'), coordinate: coordinate.optional() }),
  z.object({
    action: z.literal('scroll'),
    coordinate: coordinate.optional(),
    scroll_direction: z.enum(['up', 'down', 'left', 'right']),
    scroll_amount: z.int().min(1).max(100),
    text: modifiers,
  }),
  z.object({ action: z.literal('hold_key'), text, duration: seconds }),
  z.object({ action: z.literal('wait'), duration: seconds }),
  z.object({ action: z.literal('cursor_position') }),
  z.object({ action: z.literal('screenshot') }),
  z.object({
    action: z.literal('zoom'),
    region: z
      .tuple([pixel, pixel, pixel, pixel])
      .refine(([x0, y0, x1, y1]) => x1 > x0 && y1 > y0, {
        message: 'region is [x0, y0, x1, y1] with x1 > x0 and y1 > y0 (top-left, then bottom-right)',
      }),
  }),
]);

/** One validated computer-tool action. */
export type ComputerAction = z.infer<typeof computerActionSchema>;
export type ComputerActionName = ComputerAction['action'];

/** Whether a dialect offers an action; the schema itself accepts the union of all of them. */
export function actionAvailableIn(action: ComputerActionName, dialect: ComputerDialect): boolean {
  return action !== 'zoom' || dialect !== 'computer_20250124';
}
