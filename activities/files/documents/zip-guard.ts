import { crc32, inflateRawSync } from 'node:zlib';
import { DOCUMENT_LIMITS } from './document-kinds.js';
import { DocumentRefusal, humanBytes, passwordProtected } from './document-refusal.js';

/**
 * A zip container (xlsx, docx, pptx, odt, ods) opened with its sizes checked before anything is
 * unpacked: the central directory is read first, and a file with too many entries, too large a
 * declared total or an entry packed more tightly than real documents are (a zip bomb) is refused
 * there. An entry is then unpacked with its declared size as a hard ceiling and its checksum
 * verified, so headers that understate a size (a lying bomb) are caught after at most that many
 * bytes, never after the whole bomb.
 */
export interface ZipArchive {
  /** Entry names, in central-directory order. */
  readonly names: readonly string[];
  /** The unpacked size each entry declares. */
  sizeOf(name: string): number | undefined;
  /** Unpacks one entry, bounded by its declared size; undefined when there is no such entry. */
  read(name: string): Buffer | undefined;
  /** Unpacks every entry once, so a library that unpacks the file itself is handed a verified one. */
  verifyAll(): void;
}

interface Entry {
  name: string;
  method: number;
  crc: number;
  packed: number;
  size: number;
  headerOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

/** Opens `bytes` (named `file` in messages) as a zip within {@link DOCUMENT_LIMITS}.zip. */
export function openZip(bytes: Buffer, file: string, limits = DOCUMENT_LIMITS.zip): ZipArchive {
  const damaged = (why: string) => new DocumentRefusal(`${file} is damaged or not a valid document (${why}); it was not opened.`);
  const entries = readCentralDirectory(bytes, file, damaged);
  if (entries.length > limits.maxEntries) {
    throw new DocumentRefusal(`${file} holds ${entries.length} packed parts, more than the ${limits.maxEntries} a document may; it was not opened.`);
  }
  let total = 0;
  const byName = new Map<string, Entry>();
  for (const entry of entries) {
    total += entry.size;
    if (byName.has(entry.name)) throw damaged(`the part ${entry.name} appears twice`);
    byName.set(entry.name, entry);
    const ratio = entry.size / Math.max(1, entry.packed);
    if (entry.size >= limits.ratioCheckedFrom && ratio > limits.maxRatio) {
      throw new DocumentRefusal(
        `${file} was not opened: its part ${entry.name} unpacks to ${humanBytes(entry.size)}, ${Math.round(ratio)} times its packed size ` +
          `(documents stay under ${limits.maxRatio} times). It looks like a zip bomb.`,
      );
    }
  }
  if (total > limits.maxTotalBytes) {
    throw new DocumentRefusal(`${file} unpacks to ${humanBytes(total)}, more than the ${humanBytes(limits.maxTotalBytes)} a document may; it was not opened.`);
  }

  const read = (name: string): Buffer | undefined => {
    const entry = byName.get(name);
    return entry ? unpack(bytes, entry, file, damaged) : undefined;
  };
  return {
    names: entries.map((entry) => entry.name),
    sizeOf: (name) => byName.get(name)?.size,
    read,
    verifyAll: () => entries.forEach((entry) => unpack(bytes, entry, file, damaged)),
  };
}

function unpack(bytes: Buffer, entry: Entry, file: string, damaged: (why: string) => DocumentRefusal): Buffer {
  if (entry.headerOffset + 30 > bytes.length || bytes.readUInt32LE(entry.headerOffset) !== LOCAL) throw damaged(`no local header for ${entry.name}`);
  const start = entry.headerOffset + 30 + bytes.readUInt16LE(entry.headerOffset + 26) + bytes.readUInt16LE(entry.headerOffset + 28);
  if (start + entry.packed > bytes.length) throw damaged(`${entry.name} is cut short`);
  const packed = bytes.subarray(start, start + entry.packed);
  const lying = () =>
    new DocumentRefusal(
      `${file} was not opened: its part ${entry.name} unpacks to more than the ${humanBytes(entry.size)} its header declares. It looks like a zip bomb.`,
    );
  let data = packed;
  if (entry.method === DEFLATED) {
    try {
      // One byte more than declared: reaching it proves the header lied.
      data = inflateRawSync(packed, { maxOutputLength: entry.size + 1 });
    } catch (error) {
      throw (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? lying() : damaged(`${entry.name} does not unpack`);
    }
  }
  if (data.length > entry.size) throw lying();
  if (data.length !== entry.size || crc32(data) !== entry.crc) throw damaged(`${entry.name} fails its checksum`);
  return data;
}

function readCentralDirectory(bytes: Buffer, file: string, damaged: (why: string) => DocumentRefusal): Entry[] {
  const eocd = findEndRecord(bytes);
  if (eocd < 0) throw damaged('no zip directory at its end');
  let count = bytes.readUInt16LE(eocd + 10);
  let offset = bytes.readUInt32LE(eocd + 16);
  const locator = eocd - 20;
  if (locator >= 0 && bytes.readUInt32LE(locator) === ZIP64_LOCATOR) {
    const record = Number(bytes.readBigUInt64LE(locator + 8));
    if (record + 56 > bytes.length || bytes.readUInt32LE(record) !== ZIP64_EOCD) throw damaged('a broken zip64 directory');
    count = Number(bytes.readBigUInt64LE(record + 32));
    offset = Number(bytes.readBigUInt64LE(record + 48));
  }
  const entries: Entry[] = [];
  for (let index = 0; index < count; index++) {
    if (offset + 46 > bytes.length || bytes.readUInt32LE(offset) !== CENTRAL) throw damaged('a broken zip directory');
    const flags = bytes.readUInt16LE(offset + 8);
    const nameLength = bytes.readUInt16LE(offset + 28);
    const extraLength = bytes.readUInt16LE(offset + 30);
    const name = bytes.toString('utf8', offset + 46, offset + 46 + nameLength);
    const entry: Entry = {
      name,
      method: bytes.readUInt16LE(offset + 10),
      crc: bytes.readUInt32LE(offset + 16),
      packed: bytes.readUInt32LE(offset + 20),
      size: bytes.readUInt32LE(offset + 24),
      headerOffset: bytes.readUInt32LE(offset + 42),
    };
    applyZip64(entry, bytes.subarray(offset + 46 + nameLength, offset + 46 + nameLength + extraLength));
    if (flags & 1) throw passwordProtected(file);
    if (entry.method !== STORED && entry.method !== DEFLATED) throw damaged(`${name} uses packing method ${entry.method}`);
    if (entry.method === STORED && entry.packed !== entry.size) throw damaged(`${name} has inconsistent sizes`);
    entries.push(entry);
    offset += 46 + nameLength + extraLength + bytes.readUInt16LE(offset + 32);
  }
  return entries;
}

/** The end-of-central-directory record: the last 22+ bytes, after at most a 64 KB comment. */
function findEndRecord(bytes: Buffer): number {
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (bytes.readUInt32LE(at) === EOCD) return at;
  }
  return -1;
}

/** Sizes and offsets too large for 32 bits are in the zip64 extra field (id 1), in this order. */
function applyZip64(entry: Entry, extra: Buffer): void {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === 1) {
      let field = at + 4;
      const next = (): number => {
        const value = field + 8 <= at + 4 + length && field + 8 <= extra.length ? Number(extra.readBigUInt64LE(field)) : Number.MAX_SAFE_INTEGER;
        field += 8;
        return value;
      };
      if (entry.size === 0xffffffff) entry.size = next();
      if (entry.packed === 0xffffffff) entry.packed = next();
      if (entry.headerOffset === 0xffffffff) entry.headerOffset = next();
      return;
    }
    at += 4 + length;
  }
}
