/**
 * The desktop as nut-js sees it: screen grabbing and mouse/keyboard input, with nut-js itself
 * running in a child process (`nut-host.ts`) so a lost X connection cannot end the worker.
 * Typing, the focus check and releasing held input go through the X11 command-line helpers.
 *
 * The child opens the display named by DISPLAY when it starts, on the first call.
 */
import type { InputDevice, ScreenGrabber } from '../../activities/ports.js';
import { createNutHost, type NutHost } from './nut-host-client.js';
import { x11KeyboardTarget } from './x11-focus.js';
import { releaseHeldInput } from './x11-input-release.js';
import type { TextTyper } from './x11-text-typer.js';

let shared: NutHost | undefined;
/** One host per process, shared by the screen and the input device: one X connection, one restart. */
function nutHost(): NutHost {
  return (shared ??= createNutHost());
}

/** Grabs the screen at its physical resolution; regions are given in logical pixels. */
export function createNutScreenGrabber(): ScreenGrabber {
  return {
    async grab(region) {
      const image = await nutHost().call(region ? { op: 'grab', region } : { op: 'grab' });
      // The pixels may cross the process boundary as a plain Uint8Array; wrap them without a copy.
      const view: Uint8Array = image.data;
      return { ...image, data: Buffer.isBuffer(view) ? view : Buffer.from(view.buffer, view.byteOffset, view.byteLength) };
    },
    logicalSize: () => nutHost().call({ op: 'logicalSize' }),
  };
}

/**
 * Mouse and keyboard through nut-js, text through `textTyper` (nut-js types many symbols and
 * all accents wrongly on X11). Moves are instant jumps, not animated paths.
 */
export function createNutInputDevice(options: { textTyper: TextTyper }): InputDevice {
  const host = nutHost();
  return {
    moveMouse: (to) => host.call({ op: 'moveMouse', to: { x: to.x, y: to.y } }),
    mousePosition: () => host.call({ op: 'mousePosition' }),
    pressButton: (button) => host.call({ op: 'toggleButton', button, down: true }),
    releaseButton: (button) => host.call({ op: 'toggleButton', button, down: false }),
    click: (button, count) => host.call({ op: 'click', button, count }),
    scroll: (direction, amount) => host.call({ op: 'scroll', direction, amount }),
    pressKey: (key) => host.call({ op: 'toggleKey', key, down: true }),
    releaseKey: (key) => host.call({ op: 'toggleKey', key, down: false }),
    typeText: (text) => options.textTyper.type(text),
    keyboardTarget: () => x11KeyboardTarget(),
    releaseAll: () => releaseHeldInput(),
  };
}
