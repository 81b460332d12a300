import { failureMessage } from './failure-message.js';

/**
 * How a log record reads in a terminal: one short line a person can scan, never a JSON object or
 * a stack trace (those stay in the log file). `15:31:05 worker warn: Activity failed
 * (workflowId=task-…, error=The API key was refused…)`.
 */

/** Fields that are noise to a person watching the terminal (they stay in the file). */
const HIDDEN = new Set([
  'time', 'level', 'component', 'message', 'msg', 'source', 'pid', 'hostname',
  'sdkComponent', 'namespace', 'taskQueue', 'runId', 'activityId', 'workflowType', 'isLocal', 'taskToken', 'workflowRunId',
]);
const MAX_FIELDS = 4;
const MAX_VALUE = 80;
const MAX_LINE = 240;

/** pino's level numbers by name and back. */
export const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
export type LevelName = keyof typeof LEVELS;

export function levelNumber(level: unknown): number {
  if (typeof level === 'number') return level;
  return LEVELS[String(level).toLowerCase() as LevelName] ?? LEVELS.info;
}

function shorten(text: string, max: number): string {
  const line = text.split('\n', 1)[0]!;
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function render(value: unknown): string {
  if (typeof value === 'string') return shorten(value, MAX_VALUE);
  // An error reads as its innermost cause: "The API key was refused…", not "Activity task failed".
  if (value && typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string') return shorten(failureMessage(value), MAX_VALUE);
  const json = JSON.stringify(value);
  return shorten(json === undefined ? String(value) : json, MAX_VALUE);
}

/** One terminal line (without the newline) for a parsed JSON log record. */
export function formatTerminalLine(record: Record<string, unknown>): string {
  const time = typeof record.time === 'string' || typeof record.time === 'number' ? new Date(record.time) : new Date();
  const clock = Number.isNaN(time.getTime()) ? '' : time.toTimeString().slice(0, 8);
  const level = levelNumber(record.level);
  const label = level >= LEVELS.error ? 'error: ' : level >= LEVELS.warn ? 'warn: ' : '';
  const fields = Object.entries(record)
    .filter(([key, value]) => !HIDDEN.has(key) && value !== undefined && value !== null && !(key === 'attempt' && value === 1))
    .slice(0, MAX_FIELDS)
    .map(([key, value]) => `${key}=${render(value)}`);
  const message = shorten(String(record.message ?? record.msg ?? ''), MAX_LINE);
  const line = `${clock} ${String(record.component ?? '')} ${label}${message}${fields.length > 0 ? ` (${fields.join(', ')})` : ''}`;
  return shorten(line.trim(), MAX_LINE);
}
