import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTask } from '../../common/task-starter.js';
import { startDesktopStack, type DesktopStack } from '../helpers/desktop-stack.js';
import { endTurn, imagesIn, toolsetCall, toolsetReply } from '../helpers/fake-messages-api.js';
import { launchApp, waitForWindow, windowCentre, xdotool } from '../helpers/x-display.js';
import { parseMonitors } from '../../worker/adapters/x11-monitors.js';

describe('one monitor of a two-monitor desk', () => {
  let stack: DesktopStack;

  beforeAll(async () => {
    // Two 1920x1080 monitors side by side; the agent is given the right-hand one.
    stack = await startDesktopStack({ width: 3840, height: 1080, model: 'claude-sonnet-5-5', env: { DISPATCH_MONITOR: '1920x1080+1920+0' } });
    await stack.startWorker();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('shows the model that monitor alone at 1920x1080, and its clicks land on it', async () => {
    const file = path.join(stack.roots[0]!, 'right.txt');
    await launchApp(stack.display, 'xterm', ['-geometry', '60x10+2400+300', '-T', 'right-notes', '-e', 'sh', '-c', `cat > '${file}'`]);
    await waitForWindow(stack.display, '^right-notes$');
    const { x, y } = await windowCentre(stack.display, '^right-notes$');
    // In the model's coordinates, which start at the monitor's left edge.
    const target = [Math.round(x) - 1920, Math.round(y)];

    stack.model.enqueue(toolsetReply(toolsetCall('left_click', { coordinate: target }), toolsetCall('type', { text: 'on the right monitor\n' }), toolsetCall('key', { text: 'ctrl+d' })), endTurn('Done.'));
    const taskId = await startTask(stack.client, stack.config, { prompt: 'type on the right monitor', desktopId: stack.desktopId });
    expect(await stack.client.workflow.getHandle(taskId).result()).toMatchObject({ reason: 'completed' });

    const shot = await sharp(Buffer.from(imagesIn(stack.model.requests[0]!).at(-1)!.data, 'base64')).metadata();
    expect({ width: shot.width, height: shot.height }).toEqual({ width: 1920, height: 1080 });
    expect(await readFile(file, 'utf8')).toBe('on the right monitor\n');
    const pointer = await xdotool(stack.display, 'getmouselocation', '--shell');
    expect(Number(/X=(\d+)/.exec(pointer)![1])).toBeGreaterThanOrEqual(1920);
  });

  it('reads the monitors xrandr lists, with the primary one marked', () => {
    const listing = 'Monitors: 2\n 0: +*DP-1 1920/510x1080/287+0+0  DP-1\n 1: +HDMI-1 2560/600x1440/340+1920+0  HDMI-1\n';
    expect(parseMonitors(listing)).toEqual([
      { index: 0, primary: true, name: 'DP-1', width: 1920, height: 1080, x: 0, y: 0 },
      { index: 1, primary: false, name: 'HDMI-1', width: 2560, height: 1440, x: 1920, y: 0 },
    ]);
  });
});
