import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Size } from '../../activities/ports.js';
import { startXDisplay, startXev, type XDisplay, type XevRecorder } from '../helpers/x-display.js';

const run = promisify(execFile);

/**
 * nut-js keeps one X connection per process, so each screen size is clicked from a child process
 * that runs the real activity against that display; this process only watches through xev.
 */
const CLICKER = `
const [geometry, points] = JSON.parse(process.argv[1]);
const { createNutInputDevice, createNutScreenGrabber } = await import('./worker/adapters/nut-desktop.ts');
const { createX11TextTyper } = await import('./worker/adapters/x11-text-typer.ts');
const { createComputerActivities } = await import('./activities/input/computer-activity.ts');
const { systemClock } = await import('./activities/ports.ts');
const capture = { screenshot: () => { throw new Error('unused'); }, zoom: () => { throw new Error('unused'); } };
const input = createNutInputDevice({ textTyper: createX11TextTyper() });
const { performComputerAction } = createComputerActivities({ input, capture, clock: systemClock });
const logical = await createNutScreenGrabber().logicalSize();
const results = [];
for (const coordinate of points) {
  results.push(await performComputerAction({ toolUseId: 'tu', input: { action: 'left_click', coordinate }, geometry, toolVersion: 'computer_20250124' }));
}
console.log(JSON.stringify({ logical, results }));
`;

async function clickFromChild(display: XDisplay, geometry: { logical: Size; image: Size }, points: number[][]) {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '--eval', CLICKER, JSON.stringify([geometry, points])],
    { cwd: process.cwd(), env: display.env, timeout: 30_000 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { logical: Size; results: Array<{ isError: boolean }> };
}

// Image sizes are the published rule's (1568 px, 1568 patches of 28×28) for these screens, as literals.
describe.each([
  { screen: { width: 1920, height: 1080 }, image: { width: 1456, height: 819 } },
  { screen: { width: 1280, height: 800 }, image: { width: 1280, height: 800 } },
])('clicks at image coordinates on a $screen.width×$screen.height screen', ({ screen, image }) => {
  let x: XDisplay;
  let xev: XevRecorder;

  beforeAll(async () => {
    // No window manager: xev covers the whole screen, corners included, with nothing on top.
    x = await startXDisplay({ ...screen, windowManager: false });
    xev = await startXev(x.display, { x: 0, y: 0, ...screen });
  });

  afterAll(async () => {
    await xev?.stop();
    await x?.stop();
  });

  it('land on the screen pixel the image pixel covers, corners and centre included', async () => {
    const points = [
      [0, 0],
      [image.width - 1, 0],
      [0, image.height - 1],
      [image.width - 1, image.height - 1],
      [Math.floor(image.width / 2), Math.floor(image.height / 2)],
      [Math.floor(image.width / 3), Math.floor((image.height * 2) / 3)],
      [17, image.height - 23],
    ];
    const { logical, results } = await clickFromChild(x, { logical: screen, image }, points);
    expect(logical).toEqual(screen);
    expect(results.every((result) => !result.isError)).toBe(true);

    const events = await xev.waitFor((e) => e.filter((event) => event.type === 'ButtonRelease').length >= points.length);
    const pressed = events.filter((event) => event.type === 'ButtonPress').map((event) => event.root);
    expect(pressed).toHaveLength(points.length);
    points.forEach(([ix, iy], i) => {
      // Independent of coordinates.ts: the centre of image pixel (ix, iy) in screen pixels.
      const expectedX = ((ix! + 0.5) * screen.width) / image.width;
      const expectedY = ((iy! + 0.5) * screen.height) / image.height;
      expect(Math.abs(pressed[i]!.x - expectedX), `x of point ${ix},${iy}`).toBeLessThanOrEqual(1);
      expect(Math.abs(pressed[i]!.y - expectedY), `y of point ${ix},${iy}`).toBeLessThanOrEqual(1);
      expect(pressed[i]!.x).toBeLessThan(screen.width);
      expect(pressed[i]!.y).toBeLessThan(screen.height);
    });
  });
});
