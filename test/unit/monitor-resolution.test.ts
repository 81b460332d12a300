import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveChosenMonitor } from '../../worker/adapters/x11-monitors.js';

describe('which monitor DISPATCH_MONITOR means now', () => {
  let dir: string;
  /** A PATH whose xrandr answers as a two-monitor desk does. */
  let desk: string;
  /** A PATH whose xrandr cannot open the display. */
  let noDisplay: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'od-monitor-'));
    desk = path.join(dir, 'desk');
    noDisplay = path.join(dir, 'no-display');
    await mkdir(desk);
    await mkdir(noDisplay);
    await writeFile(path.join(desk, 'xrandr'), "#!/bin/sh\nprintf 'Monitors: 2\\n 0: +*DP-1 2560/600x1440/340+0+0  DP-1\\n 1: +HDMI-1 1920/510x1080/287+-1920+0  HDMI-1\\n'\n");
    await writeFile(path.join(noDisplay, 'xrandr'), "#!/bin/sh\necho \"Can't open display :7\" >&2\nexit 1\n");
    await chmod(path.join(desk, 'xrandr'), 0o755);
    await chmod(path.join(noDisplay, 'xrandr'), 0o755);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the primary monitor, or one by name or index, with its geometry', async () => {
    const env = { DISPLAY: ':7', PATH: desk };
    expect(await resolveChosenMonitor(undefined, { env })).toEqual({ resolved: true, name: 'DP-1', area: { x: 0, y: 0, width: 2560, height: 1440 } });
    expect(await resolveChosenMonitor('HDMI-1', { env })).toEqual({ setting: 'HDMI-1', resolved: true, name: 'HDMI-1', area: { x: -1920, y: 0, width: 1920, height: 1080 } });
    expect(await resolveChosenMonitor('1', { env })).toMatchObject({ setting: '1', resolved: true, name: 'HDMI-1' });
  });

  it('takes a region as given, without asking the display', async () => {
    expect(await resolveChosenMonitor('1280x720+100+50', { env: {} })).toEqual({ setting: '1280x720+100+50', resolved: true, area: { x: 100, y: 50, width: 1280, height: 720 } });
  });

  it('says why the monitor cannot be found: gone, no display, or no xrandr', async () => {
    expect(await resolveChosenMonitor('HDMI-2', { env: { DISPLAY: ':7', PATH: desk } })).toEqual({
      setting: 'HDMI-2',
      resolved: false,
      reason: 'no monitor "HDMI-2" is connected now (connected: DP-1, HDMI-1)',
    });
    expect(await resolveChosenMonitor(undefined, { env: { PATH: desk } })).toEqual({ resolved: false, reason: 'there is no X display (DISPLAY is not set)' });
    expect(await resolveChosenMonitor(undefined, { env: { DISPLAY: ':7', PATH: noDisplay } })).toEqual({ resolved: false, reason: "xrandr could not list the monitors: Can't open display :7" });
    expect(await resolveChosenMonitor('DP-1', { env: { DISPLAY: ':7', PATH: dir } })).toEqual({ setting: 'DP-1', resolved: false, reason: 'xrandr is not installed, so monitors cannot be listed' });
  });
});
