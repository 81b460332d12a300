/**
 * One measured number. `value` is ours; `baseline`, when given, is the same quantity measured in
 * the same run for the reference implementation, so the ratio compares like with like on this
 * machine rather than against a number from somewhere else.
 */
export interface BenchResult {
  /** snake_case metric name with its unit and statistic, e.g. `screenshot_ms_p50`. */
  name: string;
  value: number;
  unit: string;
  /** Whether a smaller value (time) or a larger one (throughput) is the improvement. */
  better: 'lower' | 'higher';
  baseline?: number;
  /** What the baseline is, e.g. "scrot + convert -resize + base64, per step". */
  baselineLabel?: string;
  /**
   * The target: for `ratio` (how many times better than the baseline) when there is a baseline,
   * otherwise for `value` itself, in the direction `better` says.
   */
  goal?: number;
  /** How many measurements the statistic was taken over. */
  samples?: number;
  note?: string;
}

/** A benchmark module's export: runs its measurements, including any set-up and tear-down. */
export interface Benchmark {
  name: string;
  run(): Promise<BenchResult[]>;
}

/** How many times better than the baseline: >1 means we beat it, whichever direction is better. */
export function ratioOf(result: BenchResult): number | undefined {
  if (result.baseline === undefined || result.baseline === 0 || result.value === 0) return undefined;
  return result.better === 'lower' ? result.baseline / result.value : result.value / result.baseline;
}

/** Whether the result meets its goal; undefined when it has none. */
export function goalMet(result: BenchResult): boolean | undefined {
  if (result.goal === undefined) return undefined;
  const ratio = ratioOf(result);
  if (result.baseline !== undefined) return ratio !== undefined && ratio >= result.goal;
  return result.better === 'lower' ? result.value <= result.goal : result.value >= result.goal;
}

/** The p-th percentile (0..100) of some samples, nearest-rank. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new RangeError('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}
