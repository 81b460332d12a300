import { closeSync, fchmodSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

/** A log file that never grows without bound; see {@link createRotatingFile}. */
export interface RotatingFile {
  readonly file: string;
  write(text: string): void;
  close(): void;
}

export interface RotatingFileOptions {
  /** A file past this size is rotated before the next write. Default 5 MiB. */
  maxBytes?: number;
  /** Rotated files kept beside the current one (`name.1` newest … `name.N` oldest). Default 3. */
  keep?: number;
}

/**
 * Appends to `file`, rotating by size: when the next line would take it past `maxBytes` it
 * becomes `file.1` (the older ones shift up, the oldest is deleted) and a fresh file starts. So
 * the logs of a desktop that runs for months take at most (keep + 1) × maxBytes.
 *
 * Writes are synchronous: a log line written just before a crash is on disk, and the volume
 * (a few lines per task step) is far below where that costs anything. Our own, rather than
 * pino-roll, because it needs no worker thread, loses nothing on `process.exit`, and creates
 * every file 0600 in a 0700 folder: logs name tasks and files, and are nobody else's to read.
 * One process per file: two writers of one file would rotate it under each other.
 */
export function createRotatingFile(file: string, options: RotatingFileOptions = {}): RotatingFile {
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const keep = Math.max(1, options.keep ?? 3);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  let descriptor: number | undefined;
  let size = 0;

  const open = (): number => {
    const opened = openSync(file, 'a', 0o600);
    // An older release, or another program, may have made it readable by others.
    fchmodSync(opened, 0o600);
    size = fstatSync(opened).size;
    descriptor = opened;
    return opened;
  };
  const rotate = (): void => {
    if (descriptor !== undefined) closeSync(descriptor);
    descriptor = undefined;
    rmSync(`${file}.${keep}`, { force: true });
    for (let index = keep - 1; index >= 1; index--) {
      try {
        renameSync(`${file}.${index}`, `${file}.${index + 1}`);
      } catch {
        // That generation does not exist yet.
      }
    }
    renameSync(file, `${file}.1`);
  };

  return {
    file,
    write(text) {
      const bytes = Buffer.from(text);
      let current = descriptor ?? open();
      if (size > 0 && size + bytes.length > maxBytes) {
        rotate();
        current = open();
      }
      writeSync(current, bytes);
      size += bytes.length;
    },
    close() {
      if (descriptor !== undefined) closeSync(descriptor);
      descriptor = undefined;
    },
  };
}
