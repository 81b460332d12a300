import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CapturedImage, Rect } from '../../activities/ports.js';
import { imageRectToScreen, imageToScreen, screenToImage, type ScreenGeometry } from '../../activities/screen/coordinates.js';
import { advertisedImageSize } from '../../activities/screen/image-limits.js';
import { STANDARD_IMAGE_RULE } from '../../common/models.js';
import { createContentStore } from '../../activities/store/content-store.js';
import { launchApp, startXDisplay, waitForWindow, type LaunchedApp, type XDisplay } from '../helpers/x-display.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const moduleUrl = (file: string) => JSON.stringify(new URL(`../../${file}`, import.meta.url).href);

type Rgb = [number, number, number];
const RED: Rgb = [255, 0, 0];
const BLUE: Rgb = [0, 0, 255];

interface CaptureOutput {
  shot: CapturedImage & { geometry: ScreenGeometry };
  zoomRegion: Rect;
  zoom: CapturedImage;
}

/**
 * Takes a screenshot and a zoom through createScreenCapture and the nut adapter in a fresh
 * process: nut-js binds to the first display it sees for the life of a process, and each case
 * here has its own display. The zoom covers `zoomOn` (logical pixels), inset a little.
 */
async function captureInChild(x: XDisplay, store: string, zoomOn: Rect): Promise<CaptureOutput> {
  const script = `
    const { createScreenCapture } = await import(${moduleUrl('activities/screen/capture.ts')});
    const { screenToImage } = await import(${moduleUrl('activities/screen/coordinates.ts')});
    const { STANDARD_IMAGE_RULE } = await import(${moduleUrl('common/models.ts')});
    const { createContentStore } = await import(${moduleUrl('activities/store/content-store.ts')});
    const { createNutScreenGrabber } = await import(${moduleUrl('worker/adapters/nut-desktop.ts')});
    const [store, zoomOn] = [process.argv[1], JSON.parse(process.argv[2])];
    const capture = createScreenCapture({ grabber: createNutScreenGrabber(), store: createContentStore(store), limit: STANDARD_IMAGE_RULE });
    const shot = await capture.screenshot();
    const topLeft = screenToImage({ x: zoomOn.x, y: zoomOn.y }, shot.geometry);
    const bottomRight = screenToImage({ x: zoomOn.x + zoomOn.width - 1, y: zoomOn.y + zoomOn.height - 1 }, shot.geometry);
    const zoomRegion = { x: topLeft.x + 2, y: topLeft.y + 2, width: bottomRight.x - topLeft.x - 3, height: bottomRight.y - topLeft.y - 3 };
    const zoom = await capture.zoom(zoomRegion, shot.geometry);
    process.stdout.write(JSON.stringify({ shot, zoomRegion, zoom }));
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, store, JSON.stringify(zoomOn)], {
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

function middle(rect: Rect) {
  return { x: rect.x + Math.floor(rect.width / 2), y: rect.y + Math.floor(rect.height / 2) };
}

describe.each([
  { width: 1920, height: 1080, red: { x: 300, y: 200 }, blue: { x: 1300, y: 650 } },
  { width: 1280, height: 800, red: { x: 100, y: 120 }, blue: { x: 800, y: 500 } },
])('a $width x $height desktop', ({ width, height, red, blue }) => {
  let x: XDisplay;
  let store: string;
  const apps: LaunchedApp[] = [];
  let windows: { red: Rect; blue: Rect };
  let output: CaptureOutput;

  beforeAll(async () => {
    x = await startXDisplay({ width, height });
    store = await mkdtemp(path.join(os.tmpdir(), 'screen-capture-'));
    const redWindow = await colouredWindow(x, 'red-block', '#ff0000', red);
    const blueWindow = await colouredWindow(x, 'blue-block', '#0000ff', blue);
    apps.push(redWindow.app, blueWindow.app);
    windows = { red: redWindow.rect, blue: blueWindow.rect };
    // Mapped is not yet painted.
    await new Promise((resolve) => setTimeout(resolve, 500));
    output = await captureInChild(x, store, windows.red);
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await x?.stop();
    if (store) await rm(store, { recursive: true, force: true });
  });

  it('the screenshot has the size advertised to the model and the geometry to map clicks back', async () => {
    const advertised = advertisedImageSize({ width, height }, STANDARD_IMAGE_RULE);
    expect(output.shot.geometry).toEqual({ logical: { width, height }, image: advertised });
    expect(output.shot.mediaType).toBe('image/png');
    const image = await decode(await createContentStore(store).get(output.shot.ref));
    expect([image.width, image.height]).toEqual([advertised.width, advertised.height]);
  });

  it('each window appears where it is on screen, in its own colour, and a click on it lands on it', async () => {
    const image = await decode(await createContentStore(store).get(output.shot.ref));
    const geometry = output.shot.geometry;
    for (const [rect, colour] of [[windows.red, RED], [windows.blue, BLUE]] as const) {
      const seen = screenToImage(middle(rect), geometry);
      expect(image.at(seen.x, seen.y)).toEqual(colour);
      const click = imageToScreen(seen, geometry);
      expect(click.x).toBeGreaterThanOrEqual(rect.x);
      expect(click.x).toBeLessThan(rect.x + rect.width);
      expect(click.y).toBeGreaterThanOrEqual(rect.y);
      expect(click.y).toBeLessThan(rect.y + rect.height);
      const beside = screenToImage({ x: rect.x - 40, y: middle(rect).y }, geometry);
      expect(image.at(beside.x, beside.y)).not.toEqual(colour);
    }
  });

  it('zoom returns the region at the screen\'s native resolution', async () => {
    const expected = imageRectToScreen(output.zoomRegion, output.shot.geometry);
    expect([output.zoom.width, output.zoom.height]).toEqual([expected.width, expected.height]);
    const zoom = await decode(await createContentStore(store).get(output.zoom.ref));
    expect([zoom.width, zoom.height]).toEqual([expected.width, expected.height]);
    for (const [px, py] of [[0, 0], [zoom.width - 1, 0], [0, zoom.height - 1], [zoom.width - 1, zoom.height - 1], [zoom.width >> 1, zoom.height >> 1]]) {
      expect(zoom.at(px!, py!)).toEqual(RED);
    }
  });
});
