import { afterAll, describe, expect, it } from 'vitest';
import { isDisplayUnavailable } from '../../activities/screen/screenshot-activity.js';
import { startXDisplay, xdotool, type XDisplay } from '../helpers/x-display.js';

// The adapter reads DISPLAY when it first reaches the display, so each test points it at its own.
const { createNutInputDevice, createNutScreenGrabber } = await import('../../worker/adapters/nut-desktop.js');
const { createX11TextTyper } = await import('../../worker/adapters/x11-text-typer.js');

/** Where the pointer is, asked from outside the code under test. */
async function pointer(display: string): Promise<{ x: number; y: number }> {
  const shell = await xdotool(display, 'getmouselocation', '--shell');
  return { x: Number(/X=(\d+)/.exec(shell)![1]), y: Number(/Y=(\d+)/.exec(shell)![1]) };
}

function numberOf(x: XDisplay): number {
  return Number(x.display.slice(1));
}

describe('the mouse and screen after the X server restarts', () => {
  const input = createNutInputDevice({ textTyper: createX11TextTyper() });
  const grabber = createNutScreenGrabber();
  let x: XDisplay | undefined;

  afterAll(async () => {
    await x?.stop();
  });

  it('a local display restarted on the same number: the next action already works', async () => {
    await x?.stop();
    x = await startXDisplay({ width: 800, height: 600, windowManager: false });
    process.env.DISPLAY = x.display;
    await input.moveMouse({ x: 10, y: 20 });
    expect(await pointer(x.display)).toEqual({ x: 10, y: 20 });

    const number = numberOf(x);
    await x.stop();
    // While the display is away, actions fail with an error the activity reports; nothing crashes.
    const whileGone = await input.moveMouse({ x: 5, y: 5 }).then(() => undefined, (error: unknown) => error);
    expect(whileGone).toBeInstanceOf(Error);
    expect((whileGone as Error).name).toBe('DisplayUnavailableError');

    x = await startXDisplay({ width: 1024, height: 768, windowManager: false, number });
    await input.moveMouse({ x: 300, y: 200 });
    expect(await pointer(x.display)).toEqual({ x: 300, y: 200 });
    // The new server's size: the adapter talks to the new server, not a dead connection.
    expect(await grabber.logicalSize()).toEqual({ width: 1024, height: 768 });
    expect((await grabber.grab({ x: 0, y: 0, width: 64, height: 32 })).width).toBe(64);
  });

  it('a display whose restart cannot be seen beforehand (over TCP): the first action fails as DisplayUnavailableError, the next works', async () => {
    await x?.stop();
    x = await startXDisplay({ width: 800, height: 600, windowManager: false, tcp: true });
    const number = numberOf(x);
    process.env.DISPLAY = `127.0.0.1:${number}`;
    await input.moveMouse({ x: 40, y: 50 });
    expect(await pointer(x.display)).toEqual({ x: 40, y: 50 });

    await x.stop();
    x = await startXDisplay({ width: 1024, height: 768, windowManager: false, tcp: true, number });
    const failures: unknown[] = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await input.moveMouse({ x: 300, y: 200 });
        break;
      } catch (error) {
        failures.push(error);
      }
    }
    // The old connection is dead and nothing said so beforehand: the action that finds out fails.
    expect(failures).toHaveLength(1);
    expect((failures[0] as Error).name).toBe('DisplayUnavailableError');
    expect(isDisplayUnavailable(failures[0])).toBe(true);
    expect(await pointer(x.display)).toEqual({ x: 300, y: 200 });
    expect(await grabber.logicalSize()).toEqual({ width: 1024, height: 768 });
  });
});
