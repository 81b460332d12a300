import type { Benchmark } from './bench-types.js';
import { browserStepBenchmark } from './browser-step.js';
import { pushLatencyBenchmark } from './push-latency.js';
import { remoteScreenshotBenchmark } from './remote-screenshot.js';
import { screenshotBenchmark } from './screenshot.js';
import { statusLatencyBenchmark } from './status-latency.js';
import { taskListBenchmark } from './task-list-rps.js';
import { stepOverheadBenchmark } from './step-overhead.js';
import { measureTypingCharsPerSecond } from './type-speed.js';

const typingBenchmark: Benchmark = {
  name: 'typing',
  run: async () => [
    {
      name: 'type_chars_per_s',
      value: Math.round(await measureTypingCharsPerSecond()),
      unit: 'chars/s',
      better: 'higher',
      goal: 200,
      note: '~1000 characters (ASCII, accents, CJK, emoji) into a terminal, checked to arrive exactly',
    },
  ],
};

/**
 * Every benchmark `npm run bench` runs, in this order, each in its own process. To add one,
 * import its module and add it to the list; `npm run bench -- <name>` runs only the named ones.
 */
export const benchmarks: readonly Benchmark[] = [
  screenshotBenchmark,
  browserStepBenchmark,
  stepOverheadBenchmark,
  statusLatencyBenchmark,
  taskListBenchmark,
  pushLatencyBenchmark,
  remoteScreenshotBenchmark,
  typingBenchmark,
];
