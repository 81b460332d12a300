import path from 'node:path';

/**
 * The documents the text editor's `view` reads in place, by file name extension, and the limits
 * that keep reading them bounded. A document is read for the model as text (or, for pictures and
 * PDFs without a text layer, shown to it as an image or a PDF); no app is opened.
 */
export type DocumentKind = 'spreadsheet' | 'delimited' | 'word' | 'odt' | 'slides' | 'pdf' | 'image';

const KINDS: Readonly<Record<string, DocumentKind>> = {
  '.xlsx': 'spreadsheet',
  '.xlsm': 'spreadsheet',
  '.xls': 'spreadsheet',
  '.ods': 'spreadsheet',
  '.csv': 'delimited',
  '.tsv': 'delimited',
  '.docx': 'word',
  '.odt': 'odt',
  '.pptx': 'slides',
  '.pdf': 'pdf',
  '.png': 'image',
  '.jpg': 'image',
  '.jpeg': 'image',
  '.gif': 'image',
  '.webp': 'image',
};

/** Older binary formats nobody here reads, with what the person can do instead. */
const UNREAD: Readonly<Record<string, string>> = {
  '.doc': 'an old Word (.doc) file, which is not read here; the person can save it as .docx',
  '.ppt': 'an old PowerPoint (.ppt) file, which is not read here; the person can save it as .pptx',
  '.xlsb': 'a binary Excel (.xlsb) workbook, which is not read here; the person can save it as .xlsx',
};

/** The kind of document a path names, or undefined for a file the editor treats as text. */
export function documentKindOf(file: string): DocumentKind | undefined {
  return KINDS[path.extname(file).toLowerCase()];
}

/** Why a path names a format that is not read, or undefined. */
export function unreadFormat(file: string): string | undefined {
  return UNREAD[path.extname(file).toLowerCase()];
}

/** Whether the file is plain text underneath, so `str_replace` and `insert` still edit it (CSV, TSV). */
export function isPlainText(kind: DocumentKind): boolean {
  return kind === 'delimited';
}

/** The zip containers (OOXML and OpenDocument) among the kinds; `.xls` is an OLE2 file, not a zip. */
export function isZipContainer(kind: DocumentKind, file: string): boolean {
  if (kind === 'word' || kind === 'odt' || kind === 'slides') return true;
  return kind === 'spreadsheet' && path.extname(file).toLowerCase() !== '.xls';
}

/** The answer to `str_replace`, `insert` or `create` aimed at a document the editor does not write. */
export function notEditableMessage(file: string): string {
  return (
    `${file} is a ${path.extname(file).slice(1).toLowerCase()} document, not a text file: the text editor reads it with view ` +
    'but cannot change it. Write what you want with create as a new .csv, .md or .txt file instead ' +
    '(or change the document in its app on the screen).'
  );
}

/** Limits on reading documents. Each one says in its refusal what it was, so the model can adapt. */
export const DOCUMENT_LIMITS = Object.freeze({
  /** Largest document file read, in bytes (a PDF may be up to the API's 32 MB). */
  maxFileBytes: 25 * 1024 * 1024,
  maxPdfBytes: 32 * 1024 * 1024,
  /** Images may be larger: they are scaled down anyway. */
  maxImageBytes: 50 * 1024 * 1024,
  /** Zip containers: entries, total unpacked size, and the packing ratio of a large entry. */
  zip: Object.freeze({ maxEntries: 10_000, maxTotalBytes: 100 * 1024 * 1024, maxRatio: 100, ratioCheckedFrom: 1024 * 1024 }),
  /** A PDF sent to the model whole: the API takes 32 MB a request, base64 grows a PDF by a third, and the rest of the request (screenshots) needs room; 100 pages holds for every model. */
  pdfAsDocument: Object.freeze({ maxBytes: 16 * 1024 * 1024, maxPages: 100 }),
  /** What one view shows when no view_range is given. */
  rowsPerView: 200,
  pagesPerView: 50,
  linesPerView: 2000,
  /** The parsing thread: its heap, and how long it may take before it is stopped. */
  parserHeapMb: 768,
  parserTimeoutMs: 60_000,
});
