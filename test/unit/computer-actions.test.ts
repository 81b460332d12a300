import { describe, expect, it } from 'vitest';
import { actionAvailableIn, computerActionSchema } from '../../activities/input/computer-actions.js';

const valid = [
  { action: 'key', text: 'ctrl+s' },
  { action: 'type', text: 'hello' },
  { action: 'mouse_move', coordinate: [10, 20] },
  { action: 'left_click' },
  { action: 'left_click', coordinate: [0, 0], text: 'shift' },
  { action: 'right_click', coordinate: [5, 5] },
  { action: 'middle_click' },
  { action: 'double_click', coordinate: [5, 5] },
  { action: 'triple_click', coordinate: [5, 5] },
  { action: 'left_click_drag', start_coordinate: [1, 2], coordinate: [3, 4] },
  { action: 'left_mouse_down' },
  { action: 'left_mouse_up', coordinate: [3, 4] },
  { action: 'scroll', coordinate: [3, 4], scroll_direction: 'down', scroll_amount: 3, text: 'ctrl' },
  { action: 'hold_key', text: 'shift', duration: 1.5 },
  { action: 'wait', duration: 2 },
  { action: 'cursor_position' },
  { action: 'screenshot' },
  { action: 'zoom', region: [0, 0, 100, 50] },
];

const malformed: Array<[string, unknown]> = [
  ['no action', { coordinate: [1, 2] }],
  ['unknown action', { action: 'launch_rocket' }],
  ['fractional coordinate', { action: 'mouse_move', coordinate: [1.5, 2] }],
  ['negative coordinate', { action: 'left_click', coordinate: [-1, 2] }],
  ['coordinate with one number', { action: 'mouse_move', coordinate: [1] }],
  ['coordinate as a string', { action: 'mouse_move', coordinate: '10,20' }],
  ['mouse_move without coordinate', { action: 'mouse_move' }],
  ['drag without start', { action: 'left_click_drag', coordinate: [3, 4] }],
  ['type without text', { action: 'type' }],
  ['text over 10k characters', { action: 'type', text: 'x'.repeat(10_001) }],
  ['wait over 300 s', { action: 'wait', duration: 301 }],
  ['key repeated more than 100 times', { action: 'key', text: 'a', repeat: 101 }],
  ['negative wait', { action: 'wait', duration: -1 }],
  ['hold_key without duration', { action: 'hold_key', text: 'shift' }],
  ['scroll amount 0', { action: 'scroll', scroll_direction: 'up', scroll_amount: 0 }],
  ['scroll amount 101', { action: 'scroll', scroll_direction: 'up', scroll_amount: 101 }],
  ['scroll sideways-ish', { action: 'scroll', scroll_direction: 'north', scroll_amount: 1 }],
  ['zoom region inverted', { action: 'zoom', region: [100, 100, 50, 50] }],
  ['zoom region of three numbers', { action: 'zoom', region: [0, 0, 10] }],
];

describe('computer tool input', () => {
  it.each(valid)('accepts %j', (input) => {
    expect(computerActionSchema.safeParse(input).success).toBe(true);
  });

  it.each(malformed)('rejects %s', (_name, input) => {
    expect(computerActionSchema.safeParse(input).success).toBe(false);
  });

  it('offers zoom only in computer_20251124', () => {
    expect(actionAvailableIn('zoom', 'computer_20250124')).toBe(false);
    expect(actionAvailableIn('zoom', 'computer_20251124')).toBe(true);
    expect(actionAvailableIn('left_click', 'computer_20250124')).toBe(true);
  });
});
