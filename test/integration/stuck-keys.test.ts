import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { INTERRUPTED_ACTION_TEXT } from '../../activities/input/at-most-once.js';
import { startTask } from '../../common/task-starter.js';
import { eventually } from '../helpers/async.js';
import { computer, endTurn, lastToolResults } from '../helpers/fake-messages-api.js';
import { startDesktopStack, type DesktopStack, type WorkerProcess } from '../helpers/desktop-stack.js';
import { focusWindow, startTypingRecorder, startXev, xdotool, xdotoolProcessesOn } from '../helpers/x-display.js';

const run = promisify(execFile);

/**
 * What the X server's XTEST devices (the virtual keyboard and pointer xdotool and nut-js press
 * through) hold down right now, read with xinput from outside the worker.
 */
async function heldDown(display: string): Promise<{ keys: number[]; buttons: number[] }> {
  const query = async (device: string, kind: string) => {
    const { stdout } = await run('xinput', ['query-state', device], { env: { ...process.env, DISPLAY: display }, timeout: 5000 });
    return [...stdout.matchAll(new RegExp(`${kind}\\[(\\d+)\\]=down`, 'g'))].map((match) => Number(match[1]));
  };
  return { keys: await query('Virtual core XTEST keyboard', 'key'), buttons: await query('Virtual core XTEST pointer', 'button') };
}

/** The keycodes that type Shift, from the display's own keymap. */
async function shiftKeycodes(display: string): Promise<number[]> {
  const { stdout } = await run('xmodmap', ['-pke'], { env: { ...process.env, DISPLAY: display } });
  return [...stdout.matchAll(/^keycode\s+(\d+) = Shift_[LR]\b/gm)].map((match) => Number(match[1]));
}

describe('keys and buttons the agent held are let go when its worker dies', () => {
  let stack: DesktopStack;
  let shift: number[];
  /** This test's worker, if one runs; each test starts its own and none outlives it. */
  let worker: WorkerProcess | undefined;
  const shiftDown = async () => (await heldDown(stack.display)).keys.some((key) => shift.includes(key));
  /** No xdotool of a worker, dead or alive, is pressing or releasing anything on the display. */
  const inputQuiet = () => eventually(() => xdotoolProcessesOn(stack.display), (pids) => pids.length === 0);

  beforeAll(async () => {
    stack = await startDesktopStack({ width: 1024, height: 768 });
    shift = await shiftKeycodes(stack.display);
    expect(shift.length).toBeGreaterThan(0);
  });

  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    stack.model.drain();
    // A stopped worker's guard lets go of keys a moment later: let it, before the next test presses any.
    await inputQuiet();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function finishTask(taskId: string): Promise<void> {
    expect(await stack.client.workflow.getHandle(taskId).result()).toMatchObject({ reason: 'completed' });
  }

  it('a Shift held by hold_key comes up at once when the worker is killed, and the person types in lower case again', async () => {
    stack.model.enqueue(computer({ action: 'hold_key', text: 'shift', duration: 30 }), endTurn('Let go.'));
    worker = await stack.startWorker();
    const taskId = await startTask(stack.client, stack.config, { prompt: 'hold shift', desktopId: stack.desktopId });
    await eventually(shiftDown, (down) => down, 30_000);

    await worker.kill();
    // Before any worker runs again: nothing the dead one pressed is still down, within moments.
    await eventually(() => heldDown(stack.display), (held) => held.keys.length === 0 && held.buttons.length === 0, 10_000);
    const recorder = await startTypingRecorder(stack.display);
    try {
      await xdotool(stack.display, 'type', 'abc');
      expect(await recorder.waitForBytes(3)).toBe('abc');
    } finally {
      await recorder.stop();
    }

    worker = await stack.startWorker();
    await finishTask(taskId);
    // The interrupted hold is reported as such, never repeated, and Shift stays up.
    expect(lastToolResults(stack.model.requests.at(-1)!)[0]).toMatchObject({ is_error: true, text: INTERRUPTED_ACTION_TEXT });
    expect(await shiftDown()).toBe(false);
  });

  it('a new worker lets go of every key and button a dead one left down, before it takes work, pressing nothing', async () => {
    const xev = await startXev(stack.display, { x: 100, y: 100, width: 600, height: 400 });
    const pointerAt = (x: number, y: number) => xev.waitFor((events) => events.some((event) => event.type === 'MotionNotify' && event.root.x === x && event.root.y === y));
    try {
      await focusWindow(stack.display, xev.windowId);
      await xdotool(stack.display, 'mousemove', '399', '299');
      await xdotool(stack.display, 'mousemove', '400', '300');
      await pointerAt(400, 300);
      // As a worker killed between xdotool's press and release leaves them, its guard included.
      // Modifiers, which the X server does not auto-repeat, so every event below is the worker's.
      await xdotool(stack.display, 'keydown', 'shift', 'keydown', 'ctrl', 'mousedown', '1');
      await xev.waitFor((events) => events.filter((event) => event.type.endsWith('Press')).length === 3);
      expect(await heldDown(stack.display)).toMatchObject({ keys: [expect.any(Number), expect.any(Number)], buttons: [1] });
      xev.clear();

      worker = await stack.startWorker();
      expect(await heldDown(stack.display)).toEqual({ keys: [], buttons: [] });
      // Moves of our own mark the order: all the worker did while starting comes before the first,
      // all it did while taking and finishing a task before the second.
      await xdotool(stack.display, 'mousemove', '401', '301');
      const started = await pointerAt(401, 301);
      const caused = started.slice(0, started.findIndex((event) => event.type === 'MotionNotify' && event.root.x === 401));
      expect(caused.map((event) => event.type).sort()).toEqual(['ButtonRelease', 'KeyRelease', 'KeyRelease']);
      stack.model.enqueue(endTurn('Nothing to do.'));
      await finishTask(await startTask(stack.client, stack.config, { prompt: 'look only', desktopId: stack.desktopId }));
      await xdotool(stack.display, 'mousemove', '402', '302');
      expect((await pointerAt(402, 302)).filter((event) => event.type.endsWith('Press'))).toEqual([]);
    } finally {
      await xev.stop();
    }
  });

  it('killing the worker mid-type stops the typing at once: no orphan goes on typing, no key repeats', async () => {
    worker = await stack.startWorker();
    const recorder = await startTypingRecorder(stack.display);
    try {
      const text = 'the quick brown fox jumps over the lazy dog. '.repeat(200);
      stack.model.enqueue(computer({ action: 'type', text }), endTurn('Typed.'));
      const taskId = await startTask(stack.client, stack.config, { prompt: 'type a lot', desktopId: stack.desktopId });
      await recorder.waitForBytes(200, 30_000, false);
      await worker.kill();
      const whenKilled = (await recorder.read()).length;
      // Typing is over once no xdotool of the dead worker runs; a marker then shows all it typed is in.
      await inputQuiet();
      const typed = await recorder.settled();
      // At most the one 50-character chunk in flight arrives after the kill, and nothing repeats.
      expect(typed.length - whenKilled).toBeLessThanOrEqual(60);
      expect(typed.length).toBeLessThan(text.length);
      expect(text.startsWith(typed)).toBe(true);
      expect(await heldDown(stack.display)).toEqual({ keys: [], buttons: [] });

      worker = await stack.startWorker();
      await finishTask(taskId);
      expect(await recorder.settled()).toBe(typed);
    } finally {
      await recorder.stop();
    }
  });
});
