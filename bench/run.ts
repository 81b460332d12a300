import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WORKER_HEARTBEAT_INTERVAL_MS } from '../common/worker-heartbeat.js';
import { spawnTied } from '../common/spawn-tied.js';
import { goalMet, ratioOf, type BenchResult } from './bench-types.js';
import { benchmarks } from './registry.js';

const SELF = fileURLToPath(import.meta.url);
const RESULT_PREFIX = 'bench-result ';

/** The benchmark running now, in its own process. */
let current: ChildProcess | undefined;

/**
 * Ctrl+C, `kill` or a CI timeout stops the runner: the running benchmark is asked to stop
 * (SIGTERM: it stops its Temporal server and X display, see bench/cleanup.ts), and the runner
 * exits once it has, so nothing outlives `npm run bench`.
 */
function stopOnSignals(): void {
  for (const [signal, number] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]] as const) {
    process.once(signal, () => {
      const child = current;
      if (!child || child.exitCode !== null || child.signalCode !== null) process.exit(128 + number);
      child.once('close', () => process.exit(128 + number));
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 40_000).unref();
    });
  }
}

/**
 * `npm run bench [-- --json] [name…]`: runs the registered benchmarks (or the named ones) and
 * prints a table, or with `--json` one JSON object per result line on stdout. Exits non-zero if
 * a benchmark failed to run; a missed goal is reported, not an error.
 *
 * Each benchmark runs in a process of its own: nut-js keeps its first X connection for the life
 * of the process (a second benchmark's display would be ignored) and Xlib ends the process when
 * that display goes away, and a fresh process also keeps one benchmark's heap out of the next.
 */
async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { json: { type: 'boolean', default: false }, child: { type: 'string' } },
    allowPositionals: true,
  });
  if (values.child !== undefined) return runHere(values.child);
  stopOnSignals();

  const unknown = positionals.filter((name) => !benchmarks.some((benchmark) => benchmark.name === name));
  if (unknown.length > 0) {
    console.error(`unknown benchmark ${unknown.join(', ')}; known: ${benchmarks.map((b) => b.name).join(', ')}`);
    return 2;
  }
  const selected = positionals.length === 0 ? benchmarks : benchmarks.filter((b) => positionals.includes(b.name));

  const results: BenchResult[] = [];
  let failed = false;
  for (const benchmark of selected) {
    if (!values.json) console.error(`running ${benchmark.name}…`);
    const outcome = await runInChild(benchmark.name);
    if (outcome.results.length === 0) {
      failed = true;
      console.error(`benchmark ${benchmark.name} failed:\n${outcome.stderr.trim()}`);
      continue;
    }
    results.push(...outcome.results);
    if (values.json) for (const result of outcome.results) console.log(JSON.stringify(toRecord(result)));
  }
  if (!values.json) console.log(table(results));
  return failed ? 1 : 0;
}

/** Child side: runs one benchmark and hands its results to the parent, one per line. */
async function runHere(name: string): Promise<number> {
  const benchmark = benchmarks.find((b) => b.name === name);
  if (!benchmark) throw new Error(`unknown benchmark ${name}`);
  // Workers a benchmark runs in this process heartbeat as a desktop's worker does, so the gateway sees them online.
  (await import('@temporalio/worker')).Runtime.install({ workerHeartbeatInterval: WORKER_HEARTBEAT_INTERVAL_MS });
  for (const result of await benchmark.run()) process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
  return 0;
}

/**
 * Parent side. The child's exit status is not the verdict: Xlib exits with 1 at process end
 * when the benchmark has already stopped its display, after the results were written.
 */
async function runInChild(name: string): Promise<{ results: BenchResult[]; stderr: string }> {
  // Tied: if this runner dies, even by SIGKILL, the child gets SIGTERM and stops what it started.
  const child = spawnTied(process.execPath, ['--import', 'tsx', SELF, '--child', name], { stdio: ['ignore', 'pipe', 'pipe'] });
  current = child;
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve) => child.once('close', () => resolve()));
  current = undefined;
  const results = stdout
    .split('\n')
    .filter((line) => line.startsWith(RESULT_PREFIX))
    .map((line) => JSON.parse(line.slice(RESULT_PREFIX.length)) as BenchResult);
  return { results, stderr };
}

function toRecord(result: BenchResult): Record<string, unknown> {
  const ratio = ratioOf(result);
  return {
    name: result.name,
    value: result.value,
    unit: result.unit,
    baseline: result.baseline ?? null,
    ratio: ratio === undefined ? null : Math.round(ratio * 100) / 100,
    goal: result.goal ?? null,
    met: goalMet(result) ?? null,
    better: result.better,
    samples: result.samples ?? null,
    baseline_label: result.baselineLabel ?? null,
    note: result.note ?? null,
  };
}

function table(results: BenchResult[]): string {
  const header = ['metric', 'ours', 'baseline', 'ratio', 'goal', 'met'];
  const rows = results.map((result) => {
    const ratio = ratioOf(result);
    const met = goalMet(result);
    return [
      result.name,
      `${result.value} ${result.unit}`,
      result.baseline === undefined ? '-' : `${result.baseline} ${result.unit}`,
      ratio === undefined ? '-' : `${ratio.toFixed(2)}x`,
      result.goal === undefined ? '-' : result.baseline === undefined ? `${result.goal} ${result.unit}` : `>= ${result.goal}x`,
      met === undefined ? '-' : met ? 'yes' : 'NO',
    ];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  const notes = results
    .filter((result) => result.note || result.baselineLabel)
    .map((result) => `  ${result.name}: ${[result.note, result.baselineLabel && `baseline = ${result.baselineLabel}`].filter(Boolean).join('; ')}`);
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line), '', ...notes].join('\n');
}

process.exitCode = await main();
