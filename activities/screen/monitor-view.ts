import { ApplicationFailure } from '@temporalio/common';
import type { InputDevice, Point, Rect, ScreenGrabber } from '../ports.js';

/** `ApplicationFailure.type` when the monitor the agent was given is no longer there. */
export const MONITOR_GONE = 'MonitorGoneError';

/** Where the agent's monitor is now, in the desktop's logical pixels; undefined when it is gone. */
export type MonitorLocator = () => Promise<Rect | undefined>;

/**
 * The screen and input narrowed to one monitor of a multi-monitor desk, so the model sees that
 * monitor only (at its own size, not squeezed beside the others) and its coordinates land on it.
 * Every other module keeps thinking in one screen starting at (0, 0); the offset is applied here
 * and only here. The monitor is looked up on each use, so a resized or moved monitor is followed;
 * one that is gone ends the task with a reason instead of driving the wrong screen.
 */
export function viewOfMonitor(ports: { grabber: ScreenGrabber; input: InputDevice }, locate: MonitorLocator): { grabber: ScreenGrabber; input: InputDevice } {
  const { grabber, input } = ports;
  const monitor = async (): Promise<Rect> => {
    const found = await locate();
    if (!found) {
      throw ApplicationFailure.nonRetryable(
        'The monitor this desktop was set to use (DISPATCH_MONITOR) is no longer connected, so the task cannot see or drive it. Connect it again or change DISPATCH_MONITOR, then retry the task.',
        MONITOR_GONE,
      );
    }
    return found;
  };
  const onScreen = async (point: Point): Promise<Point> => {
    const { x, y } = await monitor();
    return { x: point.x + x, y: point.y + y };
  };

  return {
    grabber: {
      async grab(region) {
        const area = await monitor();
        return grabber.grab(region ? { ...region, x: region.x + area.x, y: region.y + area.y } : area);
      },
      async logicalSize() {
        const { width, height } = await monitor();
        return { width, height };
      },
    },
    input: {
      ...input,
      moveMouse: async (to) => input.moveMouse(await onScreen(to)),
      async mousePosition() {
        const [at, area] = await Promise.all([input.mousePosition(), monitor()]);
        return { x: at.x - area.x, y: at.y - area.y };
      },
    },
  };
}
