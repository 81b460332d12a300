import pino from 'pino';
import { redactFields, redactText } from './log-redaction.js';
import { createRotatingFile, type RotatingFile } from './rotating-file.js';
import { formatTerminalLine, LEVELS, levelNumber } from './terminal-lines.js';

/**
 * One structured logger for code outside workflows and activities (those use Temporal's `log`,
 * which the worker routes here too: see worker/temporal-logging.ts). Backed by pino. Every field
 * and message passes through common/log-redaction.ts first: no API key, token, pairing code or
 * image reaches a log line.
 */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** The logger of a long-running process (`opendispatch start`, the desktop worker). */
export interface ProcessLogger extends Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  /**
   * A message from the Temporal SDK (the runtime logger). It goes to the file like any other; the
   * terminal shows it only from `warn` up, so activity chatter does not bury the pairing QR code.
   */
  temporal(level: 'trace' | 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void;
  /** The JSON log file, if there is one. */
  readonly file: string | undefined;
  close(): void;
}

type Write = (line: string) => void;

function pinoFor(component: string, write: Write, level: pino.LevelWithSilent = 'info'): pino.Logger {
  return pino(
    {
      level,
      base: { component },
      messageKey: 'message',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    { write },
  );
}

function wrap(target: pino.Logger): Logger & { debug: Logger['info'] } {
  const emit = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: Record<string, unknown>) =>
    target[level](redactFields(fields), redactText(message));
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/**
 * A logger writing one JSON object per line to `write` (stderr by default): for libraries and
 * tests, which pass their own `write` (`() => {}` for silence, or an array to inspect).
 */
export function createLogger(component: string, write: Write = (line) => process.stderr.write(line)): Logger {
  return wrap(pinoFor(component, write));
}

export interface ProcessLoggerOptions {
  component: string;
  /** The JSON log, rotated by size (see common/rotating-file.ts); none when absent. */
  logFile?: string;
  /** Where short human lines go (stderr by default); `false` for none. */
  terminal?: Write | false;
  maxBytes?: number;
  keep?: number;
}

/**
 * The logger of a long-running process: JSON lines to a rotating file in the data folder, for
 * looking back, and short human lines to the terminal, for the person watching it now. The two
 * are one pino stream split at the end, so the terminal never shows what the file lacks.
 */
export function createProcessLogger(options: ProcessLoggerOptions): ProcessLogger {
  const file: RotatingFile | undefined = options.logFile ? createRotatingFile(options.logFile, { maxBytes: options.maxBytes, keep: options.keep }) : undefined;
  const terminal = options.terminal === false ? undefined : (options.terminal ?? ((line: string) => process.stderr.write(line)));
  const write: Write = (line) => {
    try {
      file?.write(line);
    } catch {
      // A full disk must not take the process down with it; the terminal still shows the line.
    }
    if (!terminal) return;
    const record = JSON.parse(line) as Record<string, unknown>;
    const threshold = record.source === 'temporal' ? LEVELS.warn : LEVELS.info;
    if (levelNumber(record.level) >= threshold) terminal(`${formatTerminalLine(record)}\n`);
  };
  const root = pinoFor(options.component, write);
  const own = wrap(root);
  const sdk = wrap(root.child({ source: 'temporal' }));
  return {
    ...own,
    temporal(level, message, fields) {
      if (level === 'trace' || level === 'debug') return;
      sdk[level](message, fields);
    },
    file: file?.file,
    close() {
      file?.close();
    },
  };
}
