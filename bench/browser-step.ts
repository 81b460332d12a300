import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createBrowserActivities } from '../activities/browser/browser-activity.js';
import { createBrowserHost } from '../activities/browser/browser-host.js';
import { createBrowserTabs } from '../activities/browser/browser-tabs.js';
import { findBrowserExecutable, launchBrowser } from '../activities/browser/chromium-launcher.js';
import { createContentStore } from '../activities/store/content-store.js';
import { createToolCallJournal } from '../activities/store/tool-call-journal.js';
import { startTestWebApp } from '../test/helpers/test-web-app.js';
import { percentile, type Benchmark, type BenchResult } from './bench-types.js';
import { withResources } from './cleanup.js';

const WARMUP = 3;
const ITERATIONS = 20;

/**
 * `browser_step_ms_p50`: one web step as a toolset model takes it — `navigate` to a page on
 * loopback, then `read_page` — through the same browser activity the worker registers (journal,
 * SDK pipeline, real headless Chromium), without the model. Each iteration is a fresh call pair
 * on the task's tab, so page load, accessibility snapshot and result rendering are all timed.
 */
export const browserStepBenchmark: Benchmark = {
  name: 'browser-step',
  run: () =>
    withResources(async (defer): Promise<BenchResult[]> => {
      const scratch = await mkdtemp(path.join(os.tmpdir(), 'opendispatch-bench-browser-'));
      defer('scratch folder', () => rm(scratch, { recursive: true, force: true }));
      const web = await startTestWebApp();
      defer('web app', () => web.close());
      const executable = await findBrowserExecutable(undefined);
      const host = createBrowserHost(() => launchBrowser({ executable, profileDir: path.join(scratch, 'profile'), headless: true }));
      const tabs = createBrowserTabs({ host, isTaskOpen: async () => true });
      defer('browser', () => host.close());
      const { performBrowserAction } = createBrowserActivities({
        tabs,
        store: createContentStore(path.join(scratch, 'blobs')),
        journal: createToolCallJournal(path.join(scratch, 'journal')),
      });

      let call = 0;
      const act = (name: string, input: object) => performBrowserAction({ taskId: 'task-bench', toolUseId: `toolu_${++call}`, name, input, model: 'claude-sonnet-5-5' });
      const times: number[] = [];
      for (let i = 0; i < WARMUP + ITERATIONS; i++) {
        const start = performance.now();
        const navigated = await act('navigate', { url: `${web.origin}/form` });
        const read = await act('read_page', { filter: 'interactive' });
        const elapsed = performance.now() - start;
        if (navigated.isError || read.isError) throw new Error(`browser step failed: ${navigated.text ?? ''} ${read.text ?? ''}`);
        if (i >= WARMUP) times.push(elapsed);
      }
      return [
        {
          name: 'browser_step_ms_p50',
          value: Math.round(percentile(times, 50) * 100) / 100,
          unit: 'ms',
          better: 'lower',
          samples: ITERATIONS,
          note: `navigate + read_page (interactive) of a form page on loopback, headless Chromium; p90 ${Math.round(percentile(times, 90))} ms`,
        },
      ];
    }),
};
