import { createRequire } from 'node:module';
import path from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { DOCUMENT_LIMITS } from './document-kinds.js';
import { DocumentRefusal, passwordProtected } from './document-refusal.js';
import { windowNote, windowOf, type ViewRange } from './view-window.js';

/** What reading a PDF gave: its text, or word that the pages shown have no text layer. */
export type PdfReading = { text: string } | { noTextLayer: true; pages: number; shown: [number, number] };

const PDFJS = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

/**
 * A PDF's text, page by page, for the pages in the view window (view_range counts pages), with
 * Mozilla's pdf.js (the legacy build, the one for Node). No script in the PDF runs, nothing is
 * fetched and fonts are not loaded: only the text layer is read. Pages with no text at all (a
 * scan) are reported as such, so the caller can hand the model the PDF itself.
 */
export async function readPdf(bytes: Buffer, file: string, range: ViewRange | undefined): Promise<PdfReading> {
  const task = getDocument({
    data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    isEvalSupported: false,
    enableXfa: false,
    disableFontFace: true,
    useSystemFonts: false,
    useWorkerFetch: false,
    stopAtErrors: false,
    verbosity: 0,
    cMapUrl: `${PDFJS}/cmaps/`,
    cMapPacked: true,
    standardFontDataUrl: `${PDFJS}/standard_fonts/`,
  });
  let pdf: Awaited<typeof task.promise>;
  try {
    pdf = await task.promise;
  } catch (error) {
    await task.destroy();
    const name = (error as Error).name;
    if (name === 'PasswordException') throw passwordProtected(file);
    throw new DocumentRefusal(`${file} could not be read as a PDF (${(error as Error).message.slice(0, 200)}); it may be damaged.`);
  }
  try {
    const perView = DOCUMENT_LIMITS.pagesPerView;
    const window = windowOf(pdf.numPages, range, perView);
    if (window.end < window.start) throw new DocumentRefusal(`view_range starts at page ${window.start}, but ${file} has ${pdf.numPages} pages.`);
    const pages: string[] = [];
    for (let number = window.start; number <= window.end; number++) {
      const page = await pdf.getPage(number);
      pages.push(pageText((await page.getTextContent()).items));
      page.cleanup();
    }
    if (pages.every((text) => text.trim() === '')) return { noTextLayer: true, pages: pdf.numPages, shown: [window.start, window.end] };
    const sections = pages.map((text, index) => `## Page ${window.start + index}\n${text.trim() || '(no text on this page: it may be a picture or a scan)'}`);
    return { text: [`PDF ${file}, ${pdf.numPages} page(s). ${windowNote(window, 'pages', perView)}`, ...sections].join('\n\n') };
  } finally {
    await pdf.destroy();
  }
}

/** Text items joined as pdf.js marks them: `hasEOL` ends a line. */
function pageText(items: ReadonlyArray<object>): string {
  let text = '';
  for (const item of items) {
    if (!('str' in item)) continue;
    text += String(item.str);
    if ('hasEOL' in item && item.hasEOL) text += '\n';
  }
  return text.replace(/\n{3,}/g, '\n\n');
}
