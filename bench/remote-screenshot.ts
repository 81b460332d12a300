import sharp from 'sharp';
import { instantModel } from './bench-desktop.js';
import { BENCH_DESKTOP, benchWorker, startBenchGateway } from './bench-stack.js';
import { percentile, type Benchmark, type BenchResult } from './bench-types.js';
import { withResources } from './cleanup.js';
import { createContentStore } from '../activities/store/content-store.js';
import { createLogger } from '../common/logger.js';
import { createDesktopPresence } from '../gateway/desktop-presence.js';
import { createScreenshotSource } from '../gateway/screenshot-source.js';
import { desktopProfile, registerDesktop } from '../worker/desktop-registration.js';

/** Distinct screenshots, so neither side can answer from a cache. */
const SHOTS = 25;

/** A 1920x1080 screen with text-like detail: about what a real screenshot costs to encode. */
async function screenImage(seed: number): Promise<Buffer> {
  const rows = Array.from({ length: 40 }, (_, row) => `<rect x="${40 + ((row * 37 + seed * 11) % 300)}" y="${20 + row * 26}" width="${600 + ((row * 53 + seed) % 900)}" height="14" fill="#${((seed * 2654435761 + row * 40503) >>> 8).toString(16).padStart(6, '0').slice(0, 6)}"/>`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1920" height="1080"><rect width="1920" height="1080" fill="#f4f4f4"/>${rows.join('')}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/**
 * What it costs a phone to see a screenshot of a task that ran on another desktop: the gateway
 * asks that desktop through Temporal (an update to its record, answered by its worker) against
 * the same preview read and rendered from this desktop's own disk. Both sides render the same
 * image the same way; the difference is the trip through Temporal and the other worker.
 */
export const remoteScreenshotBenchmark: Benchmark = {
  name: 'remote-screenshot',
  async run(): Promise<BenchResult[]> {
    return withResources(async (defer) => {
      const { config, client, connection } = await startBenchGateway(defer, 'remote-shot');
      const store = createContentStore(config.paths.blobs);
      const refs: string[] = [];
      for (let seed = 0; seed < SHOTS; seed++) refs.push(await store.put(await screenImage(seed)));

      const worker = await benchWorker({ connection, client, config, messages: instantModel(0) });
      const running = worker.run();
      defer('the worker', async () => {
        worker.shutdown();
        await running;
      });
      await registerDesktop({ client, desktopId: BENCH_DESKTOP, profile: desktopProfile({ name: 'bench' }), logger: createLogger('bench', () => {}) });

      const presence = createDesktopPresence({ client, namespace: config.temporal.namespace });
      // The desktop's own gateway reads its disk; another desktop's asks it through Temporal.
      const own = createScreenshotSource({ client, store, presence, selfId: BENCH_DESKTOP });
      const other = createScreenshotSource({ client, store: createContentStore(`${config.paths.blobs}-elsewhere`), presence, selfId: 'another-desktop' });
      await other.image(BENCH_DESKTOP, { ref: refs[0]!, size: 'preview' });

      const timed = async (read: () => Promise<Buffer>): Promise<number> => {
        const started = performance.now();
        await read();
        return performance.now() - started;
      };
      const local: number[] = [];
      const remote: number[] = [];
      for (const ref of refs.slice(1)) {
        local.push(await timed(() => own.image(BENCH_DESKTOP, { ref, size: 'preview' })));
        remote.push(await timed(() => other.image(BENCH_DESKTOP, { ref, size: 'preview' })));
      }
      const round = (value: number) => Math.round(value * 10) / 10;
      return [
        {
          name: 'remote_screenshot_ms_p50',
          value: round(percentile(remote, 50)),
          unit: 'ms',
          better: 'lower',
          baseline: round(percentile(local, 50)),
          baselineLabel: "the same preview read and rendered from this desktop's own disk",
          samples: remote.length,
          note: `p90 ${round(percentile(remote, 90))} ms; a 1920x1080 screenshot's 480 px preview, fetched from another desktop through an update to its record`,
        },
      ];
    });
  },
};
