import { constants } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { ImageRule } from '../../../common/models.js';
import { fitImageForModel, type ModelImageType } from '../../mcp/mcp-images.js';
import { documentReference } from '../../model/transcript.js';
import type { ContentStore } from '../../store/content-store.js';
import type { ToolAnswer } from '../model-tool.js';
import { DOCUMENT_LIMITS, type DocumentKind } from './document-kinds.js';
import { parseInThread } from './document-reader.js';
import { DocumentRefusal, humanBytes } from './document-refusal.js';
import type { ParseJob, ParseResult } from './parse-document.js';
import type { ViewRange } from './view-window.js';

/** What a document view needs: where pictures and PDFs are stored, and the model's image rule. */
export interface DocumentViewDeps {
  /** Without a store, pictures and scanned PDFs cannot be shown; their view says so. */
  store?: Pick<ContentStore, 'put'>;
  /** The parser (a thread of its own by default); tests may run it in place. */
  parse?: (job: ParseJob) => Promise<ParseResult>;
}

const IMAGE_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp' };

/**
 * `view` of a document (`real` is a resolved path inside the granted folders): the text of
 * spreadsheets, Word, OpenDocument, slides and PDFs; a picture as an image the model sees at the
 * largest size its image rule takes; a PDF without a text layer (a scan) as the PDF itself, in a
 * `document` block the API reads page by page, when it is within the API's limits. Everything the
 * model can fix or should know is a {@link DocumentRefusal}.
 */
export async function viewDocument(
  deps: DocumentViewDeps,
  real: string,
  kind: DocumentKind,
  range: ViewRange | undefined,
  imageRule: ImageRule,
): Promise<ToolAnswer> {
  const name = path.basename(real);
  const limit = kind === 'pdf' ? DOCUMENT_LIMITS.maxPdfBytes : kind === 'image' ? DOCUMENT_LIMITS.maxImageBytes : DOCUMENT_LIMITS.maxFileBytes;
  const size = (await stat(real)).size;
  if (size > limit) throw new DocumentRefusal(`${real} is ${humanBytes(size)}, more than the ${humanBytes(limit)} the editor reads of a ${kind} file.`);
  if (size === 0) return { text: `${real} is empty.` };
  const bytes = await readFile(real, { flag: constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) });

  if (kind === 'image') {
    if (range) throw new DocumentRefusal('view_range does not apply to pictures; view the picture without it.');
    const fitted = await fitImageForModel(bytes, IMAGE_TYPES[path.extname(real).toLowerCase()] ?? 'image/png', imageRule);
    if (!fitted) throw new DocumentRefusal(`${real} could not be read as a picture: it is damaged, or not the picture type its name says.`);
    const imageRef = await needStore(deps, name).put(fitted.bytes);
    const [original, shown] = await Promise.all([sharp(bytes).metadata(), sharp(fitted.bytes).metadata()]);
    const scaled = original.width !== shown.width ? `, shown scaled to ${shown.width}×${shown.height}` : '';
    return { text: `The picture ${real} (${original.width}×${original.height} px${scaled}) is attached.`, imageRef, imageMediaType: fitted.mediaType as ModelImageType };
  }

  const result = await (deps.parse ?? parseInThread)({ kind, file: real, bytes, range });
  if ('text' in result) return { text: result.text };
  return attachPdf(deps, real, bytes, result);
}

/** A PDF whose pages shown have no text: the PDF itself goes to the model, if the API takes it. */
async function attachPdf(deps: DocumentViewDeps, real: string, bytes: Buffer, scan: { pages: number; shown: [number, number] }): Promise<ToolAnswer> {
  const { maxBytes, maxPages } = DOCUMENT_LIMITS.pdfAsDocument;
  const pages = `page${scan.shown[0] === scan.shown[1] ? ` ${scan.shown[0]}` : `s ${scan.shown[0]}-${scan.shown[1]}`}`;
  const noText = `${real} has no text layer on ${pages} (it is probably scanned)`;
  if (scan.pages > maxPages || bytes.length > maxBytes) {
    throw new DocumentRefusal(
      `${noText}, and it is too large to hand you whole: ${scan.pages} pages and ${humanBytes(bytes.length)}, where at most ` +
        `${maxPages} pages and ${humanBytes(maxBytes)} can be attached. Open it in an app on the screen to read it.`,
    );
  }
  const store = needStore(deps, path.basename(real));
  const ref = await store.put(bytes);
  return {
    text: `${noText}, so the PDF itself (${scan.pages} page(s)) is attached for you to read.`,
    blocks: [documentReference(ref, path.basename(real)) as unknown as Record<string, unknown>],
  };
}

function needStore(deps: DocumentViewDeps, name: string): Pick<ContentStore, 'put'> {
  if (!deps.store) throw new DocumentRefusal(`${name} can only be shown as a picture, and this desktop's file tools have no place to keep pictures.`);
  return deps.store;
}
