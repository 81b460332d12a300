import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { encodeScreenImage } from '../activities/screen/capture.js';
import { advertisedImageSize } from '../activities/screen/image-limits.js';
import { LARGE_IMAGE_RULE, STANDARD_IMAGE_RULE } from '../common/models.js';
import { launchApp, startXDisplay, waitForWindow, type LaunchedApp } from '../test/helpers/x-display.js';
import { createNutScreenGrabber } from '../worker/adapters/nut-desktop.js';
import { percentile, type Benchmark, type BenchResult } from './bench-types.js';
import { withResources } from './cleanup.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('..', import.meta.url));
const SCREEN = { width: 1920, height: 1080 };
const WARMUP = 5;
const ITERATIONS = 30;
/** The real ImageMagick; /usr/local/bin/convert may be a stand-in that only converts to PPM. */
const CONVERT = '/usr/bin/convert';

/**
 * `screenshot_ms_p50`: one screenshot as the agent takes it, on a 1920×1080 X display showing
 * terminals full of text over a gradient. Ours: grab through the nut adapter, then the activity's
 * own pipeline (`encodeScreenImage`) to the advertised size, then base64. Reference: what
 * Anthropic's computer-use demo does each step, shelling out to `scrot -p` into a file,
 * `convert -resize WxH!` in place, then base64 of the file. The two alternate iteration by
 * iteration so both see the same machine load.
 */
export const screenshotBenchmark: Benchmark = {
  name: 'screenshot',
  async run(): Promise<BenchResult[]> {
    return withResources(async (defer) => {
      const x = await startXDisplay(SCREEN);
      defer('the X display', () => x.stop());
      const scratch = await mkdtemp(path.join(os.tmpdir(), 'opendispatch-bench-'));
      defer('the scratch folder', () => rm(scratch, { recursive: true, force: true }));
      const windows: LaunchedApp[] = [];
      defer('the windows', () => Promise.all(windows.map((window) => window.stop())));
      // libnut opens the display named by DISPLAY on first use.
      process.env.DISPLAY = x.display;
      windows.push(...(await showDesktop(x.display, scratch)));
      const grabber = createNutScreenGrabber();
      const target = advertisedImageSize(await grabber.logicalSize(), STANDARD_IMAGE_RULE);
      // Toolset models read 1920x1080 as it is: no scaling, only the encoding.
      const native = advertisedImageSize(await grabber.logicalSize(), LARGE_IMAGE_RULE);
      const file = path.join(scratch, 'screenshot.png');
      const shell = (command: string) => run('/bin/sh', ['-c', command], { env: x.env });

      const grabOnly = async () => {
        await grabber.grab();
      };
      const ours = async () => {
        const encoded = await encodeScreenImage(await grabber.grab(), target);
        encoded.bytes.toString('base64');
      };
      const reference = async () => {
        await shell(`scrot -p ${file}`);
        await shell(`${CONVERT} ${file} -resize ${target.width}x${target.height}! ${file}`);
        (await readFile(file)).toString('base64');
      };
      const oursNative = async () => {
        const encoded = await encodeScreenImage(await grabber.grab(), native);
        encoded.bytes.toString('base64');
      };
      const referenceNative = async () => {
        await shell(`scrot -p ${file}`);
        (await readFile(file)).toString('base64');
      };

      const times = { grab: [] as number[], ours: [] as number[], reference: [] as number[], oursNative: [] as number[], referenceNative: [] as number[] };
      for (let i = 0; i < WARMUP + ITERATIONS; i++) {
        const grabMs = await timed(grabOnly);
        const oursMs = await timed(ours);
        const referenceMs = await timed(reference);
        const oursNativeMs = await timed(oursNative);
        const referenceNativeMs = await timed(referenceNative);
        if (i < WARMUP) continue;
        times.grab.push(grabMs);
        times.ours.push(oursMs);
        times.reference.push(referenceMs);
        times.oursNative.push(oursNativeMs);
        times.referenceNative.push(referenceNativeMs);
      }
      const size = `${SCREEN.width}x${SCREEN.height} -> ${target.width}x${target.height}`;
      return [
        {
          name: 'screenshot_ms_p50',
          value: round(percentile(times.ours, 50)),
          unit: 'ms',
          better: 'lower',
          baseline: round(percentile(times.reference, 50)),
          baselineLabel: 'scrot + convert -resize + base64, shelled out per step',
          goal: 8,
          samples: ITERATIONS,
          note: `${size}, PNG; p90 ours ${round(percentile(times.ours, 90))} ms, reference ${round(percentile(times.reference, 90))} ms`,
        },
        {
          name: 'screenshot_native_ms_p50',
          value: round(percentile(times.oursNative, 50)),
          unit: 'ms',
          better: 'lower',
          baseline: round(percentile(times.referenceNative, 50)),
          baselineLabel: 'scrot + base64, shelled out per step',
          samples: ITERATIONS,
          note: `${SCREEN.width}x${SCREEN.height} unscaled for toolset models (${native.width}x${native.height}), PNG; p90 ours ${round(percentile(times.oursNative, 90))} ms`,
        },
        {
          name: 'screenshot_grab_ms_p50',
          value: round(percentile(times.grab, 50)),
          unit: 'ms',
          better: 'lower',
          samples: ITERATIONS,
          note: `raw ${SCREEN.width}x${SCREEN.height} grab through the nut adapter, no scaling or encoding`,
        },
      ];
    });
  },
};

async function timed(work: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/**
 * Something like a working desktop, which compresses like one: a full-screen gradient (many
 * distinct colours) under two terminals of source text, one light and one dark.
 */
async function showDesktop(display: string, scratch: string): Promise<LaunchedApp[]> {
  const { width, height } = SCREEN;
  const gradient = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      gradient[i] = Math.round((255 * x) / width);
      gradient[i + 1] = Math.round((200 * y) / height);
      gradient[i + 2] = 160;
    }
  }
  const backdrop = path.join(scratch, 'backdrop.png');
  await sharp(gradient, { raw: { width, height, channels: 3 } }).png().toFile(backdrop);
  const source = (file: string) => path.join(REPO, file);
  const terminal = (title: string, colours: string[], geometry: string, file: string) =>
    launchApp(display, 'xterm', ['-T', title, ...colours, '-fa', 'Monospace', '-fs', '10', '-geometry', geometry,
      '-e', 'sh', '-c', `cat '${source(file)}'; sleep 3600`]);
  const apps = [
    launchApp(display, 'display', ['-title', 'bench-backdrop', '-geometry', '+0+0', backdrop]),
    terminal('bench-light', ['-bg', 'white', '-fg', 'black'], '110x42+40+40', 'activities/screen/capture.ts'),
    terminal('bench-dark', ['-bg', '#202020', '-fg', '#d0d0d0'], '100x45+1000+300', 'activities/screen/coordinates.ts'),
  ];
  try {
    for (const title of ['bench-backdrop', 'bench-light', 'bench-dark']) await waitForWindow(display, title, 15_000);
  } catch (error) {
    await Promise.all(apps.map((app) => app.stop()));
    throw error;
  }
  // Mapped is not yet painted: give the clients a moment to draw.
  await new Promise((resolve) => setTimeout(resolve, 700));
  return apps;
}
