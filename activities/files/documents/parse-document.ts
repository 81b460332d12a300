import { numbered, splitLines } from '../text-lines.js';
import { DOCUMENT_LIMITS, isZipContainer, type DocumentKind } from './document-kinds.js';
import { DocumentRefusal, passwordProtected } from './document-refusal.js';
import type { PdfReading } from './pdf.js';
import { checkRange, windowNote, windowOf, type ViewRange } from './view-window.js';
import { openZip, type ZipArchive } from './zip-guard.js';

/** One document to read: its bytes, its kind and name, and the part `view_range` asks for. */
export interface ParseJob {
  kind: Exclude<DocumentKind, 'image'>;
  file: string;
  bytes: Uint8Array;
  range?: ViewRange;
}

export type ParseResult = PdfReading;

/** Compound File (OLE2) files start so: old .xls/.doc, and Office's password-protected files. */
const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
/** The stream an encrypted OOXML file keeps its key data in, as OLE2 stores names (UTF-16LE). */
const ENCRYPTION_INFO = Buffer.from('EncryptionInfo', 'utf16le');

const TITLES: Record<string, string> = { word: 'Word document', odt: 'OpenDocument text', slides: 'Slide deck' };

/**
 * Reads a document into the text the model is shown. Runs in the parsing thread (see
 * document-reader.ts), so a pathological file costs that thread, never the worker. Everything
 * wrong with the file is a {@link DocumentRefusal} whose message the model reads. Each kind's
 * parser is loaded only when a document of that kind comes: a thread reads one document.
 */
export async function parseDocument(job: ParseJob): Promise<ParseResult> {
  const bytes = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
  const { kind, file, range } = job;
  checkRange(range);
  if (kind === 'pdf') return (await import('./pdf.js')).readPdf(bytes, file, range);
  if (kind === 'spreadsheet' || kind === 'delimited') {
    const { readSpreadsheet } = await import('./spreadsheet.js');
    // SheetJS unpacks the zip itself: it is handed one whose every part was unpacked within bounds.
    // An OLE2 file (an .xls under a new name, or an encrypted workbook) is SheetJS's to judge.
    if (isZipContainer(kind, file) && !bytes.subarray(0, 8).equals(OLE2)) openContainer(bytes, file).verifyAll();
    return { text: await readSpreadsheet(bytes, file, range) };
  }
  const zip = openContainer(bytes, file);
  switch (kind) {
    case 'word':
      zip.verifyAll();
      return { text: linesView(await (await import('./word.js')).readWord(bytes, file), kind, file, range) };
    case 'odt':
      return { text: linesView((await import('./odt.js')).readOdt(zip, file), kind, file, range) };
    case 'slides':
      return { text: linesView((await import('./slides.js')).readSlides(zip, file), kind, file, range) };
  }
}

/** The zip inside an OOXML or OpenDocument file, refusing encrypted ones by name. */
function openContainer(bytes: Buffer, file: string): ZipArchive {
  if (bytes.subarray(0, 8).equals(OLE2)) {
    if (bytes.includes(ENCRYPTION_INFO)) throw passwordProtected(file);
    throw new DocumentRefusal(`${file} is an old binary Office file under a new name; the person can save it again in the format its name says.`);
  }
  const zip = openZip(bytes, file);
  // OpenDocument encrypts part by part and says so in its manifest.
  if (zip.names.includes('META-INF/manifest.xml') && zip.read('META-INF/manifest.xml')!.toString('utf8').includes('encryption-data')) {
    throw passwordProtected(file);
  }
  return zip;
}

/** Extracted text as numbered lines, windowed by view_range like a text file. */
function linesView(text: string, kind: string, file: string, range: ViewRange | undefined): string {
  const lines = splitLines(text);
  const perView = DOCUMENT_LIMITS.linesPerView;
  const window = windowOf(lines.length, range, perView);
  if (window.end < window.start) throw new DocumentRefusal(`view_range starts at line ${window.start}, but the text of ${file} has ${lines.length} lines.`);
  const header = `${TITLES[kind] ?? 'Document'} ${file}, read as Markdown text. ${windowNote(window, 'lines', perView)}`;
  return `${header}\n${numbered(lines, window.start, window.end)}`;
}
