import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { createComputerActivities as CreateComputerActivities } from '../../activities/input/computer-activity.js';
import { systemClock } from '../../activities/ports.js';
import type { ScreenGeometry } from '../../activities/screen/coordinates.js';
import { STANDARD_IMAGE_RULE } from '../../common/models.js';
import { createContentStore, type ContentStore } from '../../activities/store/content-store.js';
import { focusWindow, startXDisplay, startXev, xdotool, type XDisplay, type XevEvent, type XevRecorder } from '../helpers/x-display.js';

const SHIFT = 0x1;
const CONTROL = 0x4;
/** 1:1 so every expected screen pixel is the coordinate the test sends. */
const geometry: ScreenGeometry = { logical: { width: 1280, height: 800 }, image: { width: 1280, height: 800 } };

describe('computer actions on a real X display', () => {
  let x: XDisplay;
  let xev: XevRecorder;
  let store: ContentStore;
  let storeDir: string;
  let perform: ReturnType<typeof CreateComputerActivities>['performComputerAction'];
  let call = 0;

  const act = (input: unknown, toolVersion: 'computer_20250124' | 'computer_20251124' = 'computer_20251124') =>
    perform({ toolUseId: `tu_${++call}`, input, geometry, toolVersion });
  const of = (type: string) => (events: XevEvent[]) => events.filter((event) => event.type === type);
  const presses = of('ButtonPress');
  const releases = of('ButtonRelease');
  const keyPresses = of('KeyPress');
  /** Waits until xev has seen the pointer arrive at (x, y), and returns everything up to then. */
  const pointerArrived = async (x: number, y: number) => {
    const events = await xev.waitFor((all) => all.some((event) => event.type === 'MotionNotify' && event.root.x === x && event.root.y === y));
    return events.slice(0, events.findIndex((event) => event.type === 'MotionNotify' && event.root.x === x && event.root.y === y));
  };

  beforeAll(async () => {
    x = await startXDisplay({ width: 1280, height: 800 });
    // nut-js connects to DISPLAY on first use: set it before the adapter is loaded.
    process.env.DISPLAY = x.display;
    const { createNutInputDevice, createNutScreenGrabber } = await import('../../worker/adapters/nut-desktop.js');
    const { createX11TextTyper } = await import('../../worker/adapters/x11-text-typer.js');
    const { createScreenCapture } = await import('../../activities/screen/capture.js');
    const { createComputerActivities } = await import('../../activities/input/computer-activity.js');
    storeDir = await mkdtemp(path.join(tmpdir(), 'input-actions-'));
    store = createContentStore(storeDir);
    const capture = createScreenCapture({ grabber: createNutScreenGrabber(), store, limit: STANDARD_IMAGE_RULE });
    const input = createNutInputDevice({ textTyper: createX11TextTyper({ env: x.env }) });
    perform = createComputerActivities({ input, capture, clock: systemClock, store }).performComputerAction;
    // Client area well inside the screen; all pointer targets below lie in 200..1000 × 150..650.
    xev = await startXev(x.display, { x: 100, y: 50, width: 1000, height: 700 });
    await focusWindow(x.display, xev.windowId);
  });

  afterAll(async () => {
    await xev?.stop();
    await x?.stop();
    if (storeDir) await rm(storeDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    // Via a neighbouring pixel, so the pointer surely moves and xev reports it arriving.
    await act({ action: 'mouse_move', coordinate: [639, 399] });
    await act({ action: 'mouse_move', coordinate: [640, 400] });
    await pointerArrived(640, 400);
    xev.clear();
  });

  it('ctrl+s presses control, then s with control held, and releases both', async () => {
    expect(await act({ action: 'key', text: 'ctrl+s' })).toMatchObject({ isError: false });
    const events = await xev.waitFor((e) => of('KeyRelease')(e).length >= 2);
    expect(keyPresses(events).map((e) => e.keysym)).toEqual(['Control_L', 's']);
    expect(keyPresses(events)[1]!.state & CONTROL).toBe(CONTROL);
    expect(of('KeyRelease')(events).map((e) => e.keysym)).toEqual(['s', 'Control_L']);
  });

  it('KP_Enter is the keypad Enter key', async () => {
    await act({ action: 'key', text: 'KP_Enter' });
    const events = await xev.waitFor((e) => keyPresses(e).length >= 1);
    expect(keyPresses(events)[0]!.keysym).toBe('KP_Enter');
  });

  it('shift+Tab is Tab with shift held', async () => {
    await act({ action: 'key', text: 'shift+Tab' });
    const events = await xev.waitFor((e) => keyPresses(e).length >= 2);
    const tab = keyPresses(events)[1]!;
    expect(tab.keysym).toMatch(/^(ISO_Left_Tab|Tab)$/);
    expect(tab.state & SHIFT).toBe(SHIFT);
  });

  it('"plus" types a plus sign', async () => {
    await act({ action: 'key', text: 'plus' });
    const events = await xev.waitFor((e) => keyPresses(e).some((k) => k.string !== undefined && k.keysym === 'plus'));
    expect(keyPresses(events).map((k) => k.string).join('')).toBe('+');
  });

  it('typed text reaches the focused window', async () => {
    const text = 'Hello, World! 42?';
    await act({ action: 'type', text });
    const typed = () => keyPresses(xev.events()).map((k) => k.string ?? '').join('');
    await xev.waitFor(() => typed() === text);
    expect(typed()).toBe(text);
  });

  it('mouse_move puts the pointer on the pixel', async () => {
    await act({ action: 'mouse_move', coordinate: [300, 310] });
    expect(await xdotool(x.display, 'getmouselocation', '--shell')).toMatch(/X=300\nY=310/);
    const events = await xev.waitFor((e) => of('MotionNotify')(e).length > 0);
    expect(of('MotionNotify')(events).at(-1)!.root).toEqual({ x: 300, y: 310 });
  });

  it.each([
    ['left_click', 1, 1],
    ['right_click', 3, 1],
    ['middle_click', 2, 1],
    ['double_click', 1, 2],
    ['triple_click', 1, 3],
  ])('%s presses button %i %i time(s) at the coordinate', async (action, button, count) => {
    await act({ action, coordinate: [400, 300] });
    const events = await xev.waitFor((e) => releases(e).length >= count);
    expect(presses(events).map((e) => [e.button, e.root.x, e.root.y])).toEqual(
      Array.from({ length: count }, () => [button, 400, 300]),
    );
    expect(releases(events)).toHaveLength(count);
  });

  it('a click with text "shift" is a shift-click, and shift is released afterwards', async () => {
    await act({ action: 'left_click', coordinate: [420, 320], text: 'shift' });
    const events = await xev.waitFor((e) => of('KeyRelease')(e).length >= 1 && releases(e).length >= 1);
    expect(presses(events)[0]!.state & SHIFT).toBe(SHIFT);
    expect(of('KeyRelease')(events).map((e) => e.keysym)).toEqual(['Shift_L']);
  });

  it('left_click_drag presses at the start and releases at the end', async () => {
    await act({ action: 'left_click_drag', start_coordinate: [300, 300], coordinate: [500, 420] });
    const events = await xev.waitFor((e) => releases(e).length >= 1);
    expect(presses(events).map((e) => e.root)).toEqual([{ x: 300, y: 300 }]);
    expect(releases(events).map((e) => e.root)).toEqual([{ x: 500, y: 420 }]);
  });

  it('left_mouse_down, a move, and left_mouse_up make a hand-made drag', async () => {
    await act({ action: 'left_mouse_down', coordinate: [350, 350] });
    await act({ action: 'mouse_move', coordinate: [450, 360] });
    await act({ action: 'left_mouse_up' });
    const events = await xev.waitFor((e) => releases(e).length >= 1);
    expect(presses(events).map((e) => [e.button, e.root.x, e.root.y])).toEqual([[1, 350, 350]]);
    expect(releases(events).map((e) => [e.button, e.root.x, e.root.y])).toEqual([[1, 450, 360]]);
  });

  it.each([
    ['up', 4],
    ['down', 5],
    ['left', 6],
    ['right', 7],
  ])('scrolling %s clicks wheel button %i, with ctrl held when asked', async (direction, button) => {
    await act({ action: 'scroll', coordinate: [600, 400], scroll_direction: direction, scroll_amount: 3, text: 'ctrl' });
    const events = await xev.waitFor((e) => releases(e).length >= 3 && of('KeyRelease')(e).length >= 1);
    expect(presses(events).map((e) => e.button)).toEqual([button, button, button]);
    for (const press of presses(events)) {
      expect(press.root).toEqual({ x: 600, y: 400 });
      expect(press.state & CONTROL).toBe(CONTROL);
    }
  });

  it('hold_key holds the key for the duration, then releases it', async () => {
    await act({ action: 'hold_key', text: 'shift', duration: 0.5 });
    const events = await xev.waitFor((e) => of('KeyRelease')(e).length >= 1);
    const held = of('KeyRelease')(events)[0]!.time - keyPresses(events)[0]!.time;
    expect(keyPresses(events)[0]!.keysym).toBe('Shift_L');
    expect(held).toBeGreaterThanOrEqual(480);
  });

  it('wait waits for the duration', async () => {
    const started = Date.now();
    expect(await act({ action: 'wait', duration: 0.3 })).toMatchObject({ isError: false });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('cursor_position reports where the pointer is', async () => {
    await xdotool(x.display, 'mousemove', '123', '234');
    expect(await act({ action: 'cursor_position' })).toMatchObject({ isError: false, text: 'X=123,Y=234' });
  });

  it('screenshot returns an image of the advertised size', async () => {
    const result = await act({ action: 'screenshot' });
    expect(result).toMatchObject({ isError: false, imageMediaType: 'image/png' });
    const meta = await sharp(await store.get(result.imageRef!)).metadata();
    expect([meta.width, meta.height]).toEqual([1280, 800]);
  });

  it('zoom returns the region at native resolution', async () => {
    const result = await act({ action: 'zoom', region: [100, 100, 420, 300] });
    expect(result).toMatchObject({ isError: false, imageMediaType: 'image/png' });
    const meta = await sharp(await store.get(result.imageRef!)).metadata();
    expect([meta.width, meta.height]).toEqual([320, 200]);
  });

  it('zoom on computer_20250124 is an error the model sees', async () => {
    const result = await act({ action: 'zoom', region: [0, 0, 10, 10] }, 'computer_20250124');
    expect(result).toMatchObject({ isError: true });
  });

  it('a click outside the screen is an error the model sees, and nothing is clicked', async () => {
    const result = await act({ action: 'left_click', coordinate: [1280, 400] });
    expect(result).toMatchObject({ isError: true, text: expect.stringMatching(/outside the screen/) });
    // A move of our own after it: a click the refused action made would have reached xev first.
    await xdotool(x.display, 'mousemove', '641', '401');
    expect(presses(await pointerArrived(641, 401))).toEqual([]);
  });
});
