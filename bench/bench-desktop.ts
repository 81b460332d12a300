import type { MessagesPort } from '../activities/model/messages-port.js';
import type { InputDevice, RawScreenImage, ScreenGrabber } from '../activities/ports.js';

/*
 * A desktop and a model that cost nothing, so benchmarks of the engine and the gateway measure
 * the engine and the gateway. The real activities run on top of them unchanged.
 */

/**
 * A model that moves the mouse `steps` times, then ends, answering after `thinkMs` (none by
 * default); records when it was asked.
 */
export function instantModel(steps: number, thinkMs = 0): MessagesPort & { askedAt: number[] } {
  const askedAt: number[] = [];
  return {
    askedAt,
    async create() {
      askedAt.push(performance.now());
      if (thinkMs > 0) await new Promise((resolve) => setTimeout(resolve, thinkMs));
      const done = askedAt.length > steps;
      return {
        content: done
          ? [{ type: 'text', text: 'done' }]
          : [{ type: 'tool_use', id: `toolu_${askedAt.length}`, name: 'computer', input: { action: 'mouse_move', coordinate: [5, 5] } }],
        stop_reason: done ? 'end_turn' : 'tool_use',
      };
    },
  };
}

export const stillScreen: ScreenGrabber = {
  async grab(): Promise<RawScreenImage> {
    return { data: Buffer.alloc(1280 * 800 * 4, 90), width: 1280, height: 800, channels: 4, colorOrder: 'BGR' };
  },
  async logicalSize() {
    return { width: 1280, height: 800 };
  },
};

export const noInput: InputDevice = {
  moveMouse: async () => {},
  mousePosition: async () => ({ x: 0, y: 0 }),
  pressButton: async () => {},
  releaseButton: async () => {},
  click: async () => {},
  scroll: async () => {},
  pressKey: async () => {},
  releaseKey: async () => {},
  typeText: async () => {},
  keyboardTarget: async () => 'window',
  releaseAll: async () => {},
};

