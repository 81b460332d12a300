import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import type { Logger, ProcessLogger } from '../common/logger.js';
import { WORKER_HEARTBEAT_INTERVAL_MS } from '../common/worker-heartbeat.js';

const LEVELS = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * Temporal's runtime logger (the SDK's own messages, and workflow and activity `log` calls) as a
 * `DefaultLogger` that hands every entry to our logger: one file, one redaction, and short lines
 * in the terminal instead of the SDK's multi-line objects and stack traces.
 */
export function temporalLoggerFor(logger: ProcessLogger): DefaultLogger {
  return new DefaultLogger('INFO', (entry: LogEntry) => {
    logger.temporal(LEVELS[entry.level] ?? 'info', entry.message, entry.meta as Record<string, unknown> | undefined);
  });
}

/**
 * Installs the Temporal runtime with our logger, the Rust core's own warnings forwarded to it
 * too. Must run before anything creates a connection or worker (the runtime is created once per
 * process, on first use).
 */
export function installTemporalRuntime(logger: ProcessLogger): void {
  Runtime.install({
    logger: temporalLoggerFor(logger),
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
    // The gateway shows the desktop offline when these stop (see common/worker-heartbeat.ts).
    workerHeartbeatInterval: WORKER_HEARTBEAT_INTERVAL_MS,
  });
}

/**
 * A logger for the workflow bundler: webpack's report (twenty lines per start) is not worth a
 * terminal or a log line; its warnings and errors are.
 */
export function bundlerLoggerFor(logger: Logger): DefaultLogger {
  return new DefaultLogger('WARN', (entry: LogEntry) => {
    if (entry.level === 'ERROR') logger.error('the workflow bundle failed to build', { detail: entry.message });
    else logger.warn('workflow bundler warning', { detail: entry.message });
  });
}
