import { describe, expect, it } from 'vitest';
import { createComputerActivities } from '../../activities/input/computer-activity.js';
import { executeComputerAction, ModelFixableActionError } from '../../activities/input/execute-action.js';
import type { Clock, InputDevice, KeyboardTarget, Point, ScreenCapture } from '../../activities/ports.js';
import type { ScreenGeometry } from '../../activities/screen/coordinates.js';

/** 1920×1080 screen shown to the model as 1280×720: every image pixel is 1.5 screen pixels. */
const geometry: ScreenGeometry = { logical: { width: 1920, height: 1080 }, image: { width: 1280, height: 720 } };

function fakes(options: { failClick?: boolean; failScroll?: boolean; focus?: KeyboardTarget } = {}) {
  const events: string[] = [];
  let position: Point = { x: 0, y: 0 };
  const input: InputDevice = {
    moveMouse: async (to) => {
      position = to;
      events.push(`move ${to.x},${to.y}`);
    },
    mousePosition: async () => position,
    pressButton: async (button) => void events.push(`down ${button}`),
    releaseButton: async (button) => void events.push(`up ${button}`),
    click: async (button, count) => {
      if (options.failClick) throw new Error('display went away');
      events.push(`click ${button} x${count}`);
    },
    scroll: async (direction, amount) => {
      if (options.failScroll) throw new Error('display went away');
      events.push(`scroll ${direction} ${amount}`);
    },
    pressKey: async (key) => void events.push(`press ${key}`),
    releaseKey: async (key) => void events.push(`release ${key}`),
    typeText: async (text) => void events.push(`type ${JSON.stringify(text)}`),
    keyboardTarget: async () => options.focus ?? 'window',
    releaseAll: async () => void events.push('release all'),
  };
  const clock: Clock = { now: () => new Date(0), sleep: async (ms) => void events.push(`sleep ${ms}`) };
  const capture: ScreenCapture = {
    screenshot: async () => ({ ref: 'a'.repeat(64), mediaType: 'image/png', width: 1280, height: 720, geometry }),
    geometry: async () => geometry,
    zoom: async (region) => {
      events.push(`zoom ${region.x},${region.y} ${region.width}x${region.height}`);
      return { ref: 'b'.repeat(64), mediaType: 'image/png', width: region.width, height: region.height };
    },
  };
  const store = { get: async (ref: string) => Buffer.from(`image ${ref.slice(0, 4)}`) };
  return { events, deps: { input, clock, capture, geometry, store } };
}

describe('executing computer actions', () => {
  it('a click in the image lands on the matching screen pixel', async () => {
    const { events, deps } = fakes();
    await executeComputerAction({ action: 'left_click', coordinate: [640, 360] }, deps);
    expect(events).toEqual(['move 960,540', 'click left x1']);
  });

  it('the image corners map to the screen corners', async () => {
    const { events, deps } = fakes();
    await executeComputerAction({ action: 'mouse_move', coordinate: [0, 0] }, deps);
    await executeComputerAction({ action: 'mouse_move', coordinate: [1279, 719] }, deps);
    expect(events).toEqual(['move 0,0', 'move 1919,1079']);
  });

  it('the cursor position is reported in image coordinates', async () => {
    const { deps } = fakes();
    await deps.input.moveMouse({ x: 960, y: 540 });
    expect(await executeComputerAction({ action: 'cursor_position' }, deps)).toEqual({ text: 'X=640,Y=360', point: { x: 640, y: 360 } });
  });

  it('a click outside the image is refused before anything moves, saying what is valid', async () => {
    const { events, deps } = fakes();
    const click = executeComputerAction({ action: 'left_click', coordinate: [1280, 10] }, deps);
    await expect(click).rejects.toThrow(ModelFixableActionError);
    await expect(click).rejects.toThrow(/x from 0 to 1279/);
    expect(events).toEqual([]);
  });

  it('modifiers go down before a click and come up after it, in reverse order', async () => {
    const { events, deps } = fakes();
    await executeComputerAction({ action: 'right_click', coordinate: [3, 3], text: 'ctrl+shift' }, deps);
    expect(events).toEqual([
      'move 5,5', 'press Control_L', 'press Shift_L', 'click right x1', 'release Shift_L', 'release Control_L',
    ]);
  });

  it('modifiers come up even when the click fails', async () => {
    const { events, deps } = fakes({ failClick: true });
    await expect(executeComputerAction({ action: 'left_click', text: 'shift' }, deps)).rejects.toThrow(/display/);
    expect(events).toEqual(['press Shift_L', 'release Shift_L']);
  });

  it('modifiers come up even when a scroll fails', async () => {
    const { events, deps } = fakes({ failScroll: true });
    const scroll = { action: 'scroll', scroll_direction: 'down', scroll_amount: 2, text: 'alt' } as const;
    await expect(executeComputerAction(scroll, deps)).rejects.toThrow(/display/);
    expect(events).toEqual(['press Alt_L', 'release Alt_L']);
  });

  it('an unknown modifier is refused before anything is pressed', async () => {
    const { events, deps } = fakes();
    const click = executeComputerAction({ action: 'left_click', coordinate: [5, 5], text: 'hyper' }, deps);
    await expect(click).rejects.toThrow(ModelFixableActionError);
    expect(events).toEqual([]);
  });

  it('a key chord presses in order and releases in reverse; shifted symbols include shift', async () => {
    const { events, deps } = fakes();
    await executeComputerAction({ action: 'key', text: 'ctrl+plus' }, deps);
    expect(events).toEqual([
      'press Control_L', 'press Shift_L', 'press equal', 'release equal', 'release Shift_L', 'release Control_L',
    ]);
  });

  it('hold_key holds for the duration, then releases', async () => {
    const { events, deps } = fakes();
    await executeComputerAction({ action: 'hold_key', text: 'shift', duration: 1.5 }, deps);
    expect(events).toEqual(['press Shift_L', 'sleep 1500', 'release Shift_L']);
  });

  it('a drag presses at the start, moves, and releases at the end', async () => {
    const { events, deps } = fakes();
    await executeComputerAction({ action: 'left_click_drag', start_coordinate: [0, 0], coordinate: [100, 100] }, deps);
    expect(events.filter((event) => !event.startsWith('sleep'))).toEqual([
      'move 0,0', 'down left', 'move 75,75', 'move 150,150', 'up left',
    ]);
  });

  it('typed text keeps newlines and turns CRLF into one newline', async () => {
    const { events, deps } = fakes();
    await executeComputerAction({ action: 'type', text: 'a\r\nb\tc' }, deps);
    expect(events).toEqual(['type "a\\nb\\tc"']);
  });

  it('control characters in typed text are refused', async () => {
    const { deps } = fakes();
    await expect(executeComputerAction({ action: 'type', text: 'a\u001bb' }, deps)).rejects.toThrow(/U\+001B/);
  });

  it('zoom takes a region in image coordinates', async () => {
    const { events, deps } = fakes();
    const outcome = await executeComputerAction({ action: 'zoom', region: [100, 50, 300, 150] }, deps);
    expect(events).toEqual(['zoom 100,50 200x100']);
    expect(outcome.image?.width).toBe(200);
  });

  it('zoom past the edge of the image is refused', async () => {
    const { deps } = fakes();
    await expect(executeComputerAction({ action: 'zoom', region: [0, 0, 1281, 10] }, deps)).rejects.toThrow(
      ModelFixableActionError,
    );
  });
});

describe('the computer activity', () => {
  const call = (input: unknown, toolVersion: 'computer_20250124' | 'computer_20251124' = 'computer_20251124') => {
    const { deps, events } = fakes();
    const activities = createComputerActivities(deps);
    return { events, result: activities.performComputerAction({ toolUseId: 'tu_1', input, geometry, toolVersion }) };
  };

  it('malformed input becomes an error result the model can read', async () => {
    const result = await call({ action: 'left_click', coordinate: [1.5, 2] }).result;
    expect(result.isError).toBe(true);
    expect(result.toolUseId).toBe('tu_1');
    expect(result.text).toMatch(/coordinate/);
  });

  it('zoom on computer_20250124 is an error result, not a crash', async () => {
    const result = await call({ action: 'zoom', region: [0, 0, 10, 10] }, 'computer_20250124').result;
    expect(result).toMatchObject({ isError: true });
    expect(result.text).toMatch(/not available in computer_20250124/);
  });

  it('an unknown key is an error result', async () => {
    const { result, events } = call({ action: 'key', text: 'ctrl+Retrun' });
    expect(await result).toMatchObject({ isError: true, text: expect.stringMatching(/Unknown key name/) });
    expect(events).toEqual([]);
  });

  it('a screenshot comes back as an image reference', async () => {
    const result = await call({ action: 'screenshot' }).result;
    expect(result).toEqual({ toolUseId: 'tu_1', isError: false, imageRef: 'a'.repeat(64), imageMediaType: 'image/png' });
    expect(Object.isFrozen(result)).toBe(true);
  });

  it('a failing display is thrown, not reported to the model', async () => {
    const { deps } = fakes({ failClick: true });
    const activities = createComputerActivities(deps);
    await expect(
      activities.performComputerAction({ toolUseId: 't', input: { action: 'left_click' }, geometry, toolVersion: 'computer_20250124' }),
    ).rejects.toThrow(/display went away/);
  });

  it('an input action cut short lets go of every key and button before the failure is reported', async () => {
    const { deps, events } = fakes({ failClick: true });
    const activities = createComputerActivities(deps);
    const click = activities.performComputerAction({ toolUseId: 't', input: { action: 'left_click', text: 'shift' }, geometry, toolVersion: 'computer_20251124' });
    await expect(click).rejects.toThrow(/display went away/);
    expect(events).toEqual(['press Shift_L', 'release Shift_L', 'release all']);
  });

  it('typing with no window focused succeeds but says the text probably went nowhere', async () => {
    const { deps, events } = fakes({ focus: 'nowhere' });
    const result = await createComputerActivities(deps).performComputerAction({ toolUseId: 't', input: { action: 'type', text: 'hi' }, geometry, toolVersion: 'computer_20251124' });
    expect(result).toMatchObject({ isError: false, text: expect.stringMatching(/^No window had the keyboard focus.*click the field first/) });
    expect(events).toEqual(['type "hi"']);
  });

  it('typing into a focused window says nothing more', async () => {
    const { deps } = fakes({ focus: 'window' });
    const result = await createComputerActivities(deps).performComputerAction({ toolUseId: 't', input: { action: 'type', text: 'hi' }, geometry, toolVersion: 'computer_20251124' });
    expect(result).toEqual({ toolUseId: 't', isError: false });
  });
});

describe('the computer toolset (computer_toolset_20260801)', () => {
  const member = (name: string, input: unknown, options: { failClick?: boolean; focus?: KeyboardTarget } = {}) => {
    const { deps, events } = fakes(options);
    const activities = createComputerActivities(deps);
    return { events, result: activities.performComputerAction({ toolUseId: 'tu_9', input, geometry, toolVersion: 'computer_toolset_20260801', member: name }) };
  };

  it('a click is carried out and acknowledged in the toolset\'s words, echoing toolset_name', async () => {
    const { events, result } = member('left_click', { coordinate: [640, 360], text: null });
    expect(await result).toEqual({ toolUseId: 'tu_9', toolsetName: 'computer', isError: false, text: 'Clicked.' });
    expect(events).toEqual(['move 960,540', 'click left x1']);
  });

  it('key with repeat presses the chord that many times', async () => {
    const { events, result } = member('key', { text: 'Down', repeat: 3 });
    expect(await result).toMatchObject({ isError: false, text: 'Pressed Down.' });
    expect(events.filter((event) => event === 'press Down')).toHaveLength(3);
  });

  it('type and key with no window focused add a line of their own after the toolset\'s acknowledgment', async () => {
    expect(await member('type', { text: 'hi' }, { focus: 'nowhere' }).result).toMatchObject({
      isError: false,
      text: expect.stringMatching(/^Typed\.\nNo window had the keyboard focus, so the text probably went nowhere/),
    });
    expect(await member('key', { text: 'Return' }, { focus: 'nowhere' }).result).toMatchObject({
      isError: false,
      text: expect.stringMatching(/^Pressed Return\.\nNo window had the keyboard focus, so the keys probably went nowhere/),
    });
    expect(await member('type', { text: 'hi' }, { focus: 'unknown' }).result).toMatchObject({ isError: false, text: 'Typed.' });
  });

  it('cursor_position answers in screenshot pixels', async () => {
    const { result } = member('cursor_position', {});
    expect(await result).toMatchObject({ isError: false, text: 'X=0,Y=0' });
  });

  it('a screenshot comes back as the stored image, not as bytes', async () => {
    const result = await member('screenshot', {}).result;
    expect(result).toEqual({ toolUseId: 'tu_9', toolsetName: 'computer', isError: false, imageRef: 'a'.repeat(64), imageMediaType: 'image/png' });
  });

  it('a coordinate off the screenshot is an error result and nothing is clicked', async () => {
    const { events, result } = member('left_click', { coordinate: [1280, 10] });
    expect(await result).toMatchObject({ isError: true, toolsetName: 'computer', text: expect.stringMatching(/outside the screen/) });
    expect(events).toEqual([]);
  });

  it('an unknown member and malformed input are error results', async () => {
    expect(await member('teleport', {}).result).toMatchObject({ isError: true, text: expect.stringMatching(/teleport/) });
    expect(await member('scroll', { scroll_direction: 'sideways', scroll_amount: 3 }).result).toMatchObject({ isError: true, text: expect.stringMatching(/scroll_direction/) });
    expect(await member('key', { text: 'a', repeat: 101 }).result).toMatchObject({ isError: true, text: expect.stringMatching(/repeat/) });
  });

  it('a failing display is thrown, not reported to the model', async () => {
    await expect(member('left_click', { coordinate: [1, 1] }, { failClick: true }).result).rejects.toThrow(/display went away/);
  });
});
