import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CapturedImage, Rect } from '../../activities/ports.js';
import { imageToScreen, type ScreenGeometry } from '../../activities/screen/coordinates.js';
import { createContentStore } from '../../activities/store/content-store.js';
import { eventually } from '../helpers/async.js';
import { launchApp, startXDisplay, waitForWindow, type LaunchedApp, type XDisplay } from '../helpers/x-display.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const moduleUrl = (file: string) => JSON.stringify(new URL(`../../${file}`, import.meta.url).href);

type Rgb = [number, number, number];
const RED: Rgb = [255, 0, 0];
const BLUE: Rgb = [0, 0, 255];

interface CaptureOutput {
  shot: CapturedImage & { geometry: ScreenGeometry };
  zooms: CapturedImage[];
}

/**
 * Takes a screenshot, then a zoom of each region (image pixels), through createScreenCapture and
 * the nut adapter in a fresh process: nut-js binds to the first display it sees for the life of
 * a process, and each case here has its own display.
 */
async function captureInChild(x: XDisplay, store: string, zoomRegions: Rect[]): Promise<CaptureOutput> {
  const script = `
    const { createScreenCapture } = await import(${moduleUrl('activities/screen/capture.ts')});
    const { STANDARD_IMAGE_RULE } = await import(${moduleUrl('common/models.ts')});
    const { createContentStore } = await import(${moduleUrl('activities/store/content-store.ts')});
    const { createNutScreenGrabber } = await import(${moduleUrl('worker/adapters/nut-desktop.ts')});
    const [store, regions] = [process.argv[1], JSON.parse(process.argv[2])];
    const capture = createScreenCapture({ grabber: createNutScreenGrabber(), store: createContentStore(store), limit: STANDARD_IMAGE_RULE });
    const shot = await capture.screenshot();
    const zooms = [];
    for (const region of regions) zooms.push(await capture.zoom(region, shot.geometry));
    process.stdout.write(JSON.stringify({ shot, zooms }));
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, store, JSON.stringify(zoomRegions)], {
    cwd: REPO,
    env: x.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`capture process exited with ${code}: ${stderr}`);
  return JSON.parse(stdout) as CaptureOutput;
}

/** The colour of one screen pixel, read by ImageMagick's `import` from the X server itself. */
async function screenPixel(x: XDisplay, at: { x: number; y: number }): Promise<Rgb> {
  const { stdout } = await run('import', ['-display', x.display, '-window', 'root', '-crop', `1x1+${at.x}+${at.y}`, '-depth', '8', 'txt:-'], { env: x.env });
  const [, r, g, b] = /^0,0: \((\d+),(\d+),(\d+)/m.exec(stdout)!;
  return [Number(r), Number(g), Number(b)];
}

/** A window of one solid colour, text and cursor included, and where X put its inside. */
async function colouredWindow(x: XDisplay, title: string, colour: string, at: { x: number; y: number }) {
  const app = launchApp(x.display, 'xterm', ['-T', title, '-bg', colour, '-fg', colour, '-cr', colour, '-geometry', `30x8+${at.x}+${at.y}`, '-e', 'sleep', '600']);
  const id = await waitForWindow(x.display, title);
  const { stdout } = await run('xwininfo', ['-id', id], { env: x.env });
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(-?\\d+)`).exec(stdout)![1]);
  const rect: Rect = { x: field('Absolute upper-left X'), y: field('Absolute upper-left Y'), width: field('Width'), height: field('Height') };
  return { app, rect };
}

async function decode(bytes: Buffer) {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (px: number, py: number): Rgb => {
    const i = (py * info.width + px) * info.channels;
    return [data[i]!, data[i + 1]!, data[i + 2]!];
  };
  return { width: info.width, height: info.height, at };
}

/** Within a few levels of `colour` in every channel: the scaler may blur a pixel near an edge a little. */
const near = (colour: Rgb) => (seen: Rgb) => seen.every((value, i) => Math.abs(value - colour[i]!) <= 8);

function middle(rect: Rect) {
  return { x: rect.x + Math.floor(rect.width / 2), y: rect.y + Math.floor(rect.height / 2) };
}

// Expected sizes are literals from the published image rule for these models (1568 px long edge,
// 1568 patches of 28×28): 1920×1080 is sent as 1456×819, 1280×800 fits and is sent as is. Where
// a screen pixel shows up in the image is worked out here from those sizes alone, not with the
// coordinate code under test.
describe.each([
  { width: 1920, height: 1080, image: { width: 1456, height: 819 }, red: { x: 300, y: 200 }, blue: { x: 1300, y: 650 } },
  { width: 1280, height: 800, image: { width: 1280, height: 800 }, red: { x: 100, y: 120 }, blue: { x: 800, y: 500 } },
])('a $width x $height desktop', ({ width, height, image, red, blue }) => {
  const scaleX = image.width / width;
  const scaleY = image.height / height;
  /** The image pixel a screen pixel lands on when the screen is scaled to the image. */
  const inImage = (point: { x: number; y: number }) => ({ x: Math.floor((point.x + 0.5) * scaleX), y: Math.floor((point.y + 0.5) * scaleY) });
  let x: XDisplay;
  let store: string;
  const apps: LaunchedApp[] = [];
  let windows: { red: Rect; blue: Rect };
  /** Zooms asked for: well inside the red window, and across its left edge. */
  let inside: Rect;
  let acrossEdge: Rect;
  let output: CaptureOutput;

  beforeAll(async () => {
    x = await startXDisplay({ width, height });
    store = await mkdtemp(path.join(os.tmpdir(), 'screen-capture-'));
    const redWindow = await colouredWindow(x, 'red-block', '#ff0000', red);
    const blueWindow = await colouredWindow(x, 'blue-block', '#0000ff', blue);
    apps.push(redWindow.app, blueWindow.app);
    windows = { red: redWindow.rect, blue: blueWindow.rect };
    // Mapped is not yet painted: wait until the X server itself shows both colours.
    await eventually(() => screenPixel(x, middle(windows.red)), (seen) => near(RED)(seen));
    await eventually(() => screenPixel(x, middle(windows.blue)), (seen) => near(BLUE)(seen));
    const topLeft = inImage(windows.red);
    const bottomRight = inImage({ x: windows.red.x + windows.red.width - 1, y: windows.red.y + windows.red.height - 1 });
    inside = { x: topLeft.x + 4, y: topLeft.y + 4, width: bottomRight.x - topLeft.x - 8, height: bottomRight.y - topLeft.y - 8 };
    acrossEdge = { x: topLeft.x - 20, y: topLeft.y + 10, width: 40, height: 20 };
    output = await captureInChild(x, store, [inside, acrossEdge]);
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await x?.stop();
    if (store) await rm(store, { recursive: true, force: true });
  });

  it('the screenshot has the size the model is told, and the geometry to map clicks back', async () => {
    expect(output.shot.geometry).toEqual({ logical: { width, height }, image });
    expect(output.shot).toMatchObject({ mediaType: 'image/png', width: image.width, height: image.height });
    const shot = await decode(await createContentStore(store).get(output.shot.ref));
    expect([shot.width, shot.height]).toEqual([image.width, image.height]);
  });

  it('each window appears where it is on screen, in its own colour, and a click on it lands on it', async () => {
    const shot = await decode(await createContentStore(store).get(output.shot.ref));
    for (const [rect, colour] of [[windows.red, RED], [windows.blue, BLUE]] as const) {
      const seen = inImage(middle(rect));
      expect(shot.at(seen.x, seen.y)).toEqual(colour);
      // Its edges too, a few image pixels in from each side, and not beyond them.
      const left = inImage({ x: rect.x, y: middle(rect).y });
      const right = inImage({ x: rect.x + rect.width - 1, y: middle(rect).y });
      const top = inImage({ x: middle(rect).x, y: rect.y });
      const bottom = inImage({ x: middle(rect).x, y: rect.y + rect.height - 1 });
      for (const [px, py] of [[left.x + 3, left.y], [right.x - 3, right.y], [top.x, top.y + 3], [bottom.x, bottom.y - 3]]) {
        expect(shot.at(px!, py!), `inside at ${px},${py}`).toSatisfy(near(colour));
      }
      for (const [px, py] of [[left.x - 4, left.y], [right.x + 4, right.y], [top.x, top.y - 4], [bottom.x, bottom.y + 4]]) {
        expect(shot.at(px!, py!), `outside at ${px},${py}`).not.toSatisfy(near(colour));
      }

      const click = imageToScreen(seen, output.shot.geometry);
      expect(click.x).toBeGreaterThanOrEqual(rect.x);
      expect(click.x).toBeLessThan(rect.x + rect.width);
      expect(click.y).toBeGreaterThanOrEqual(rect.y);
      expect(click.y).toBeLessThan(rect.y + rect.height);
    }
  });

  it('zoom returns the region at the screen\'s native resolution', async () => {
    const [zoomInside, zoomAcross] = await Promise.all(output.zooms.map(async (zoom) => decode(await createContentStore(store).get(zoom.ref))));
    // Native: the region's image pixels times the screen-to-image ratio; when scaled, give or take
    // a pixel at each end, where an image pixel covers part of a screen pixel.
    const slack = scaleX === 1 && scaleY === 1 ? 0 : 2;
    for (const [zoom, region] of [[zoomInside!, inside], [zoomAcross!, acrossEdge]] as const) {
      expect(Math.abs(zoom.width - region.width / scaleX), `width of ${JSON.stringify(region)}`).toBeLessThanOrEqual(slack);
      expect(Math.abs(zoom.height - region.height / scaleY), `height of ${JSON.stringify(region)}`).toBeLessThanOrEqual(slack);
    }
    expect(output.zooms.map((zoom) => [zoom.width, zoom.height])).toEqual([zoomInside, zoomAcross].map((zoom) => [zoom!.width, zoom!.height]));
    for (const [px, py] of [[0, 0], [zoomInside!.width - 1, 0], [0, zoomInside!.height - 1], [zoomInside!.width - 1, zoomInside!.height - 1], [zoomInside!.width >> 1, zoomInside!.height >> 1]]) {
      expect(zoomInside!.at(px!, py!)).toEqual(RED);
    }
    // Across the window's left edge the red starts where the screen has it, pixel for pixel, unblurred.
    const row = zoomAcross!.height >> 1;
    const firstRed = Array.from({ length: zoomAcross!.width }, (_, px) => px).find((px) => near(RED)(zoomAcross!.at(px, row)))!;
    expect(Math.abs(firstRed - (windows.red.x - acrossEdge.x / scaleX))).toBeLessThanOrEqual(slack);
    expect(zoomAcross!.at(firstRed, row)).toEqual(RED);
    expect(zoomAcross!.at(firstRed - 1, row)).not.toSatisfy(near(RED));
  });
});
