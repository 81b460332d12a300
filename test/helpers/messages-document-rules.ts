import type { BetaBase64PDFSource, BetaPlainTextSource, BetaRequestDocumentBlock } from '@anthropic-ai/sdk/resources/beta/messages';
import { blocksOf, invalid, isRecord, resultBlocksOf, type Json, type Loose, type Refusal } from './messages-refusal.js';

/** The API reads at most this many PDF pages in one request (the figure for 200k-context models, applied to every model here). */
const MAX_PDF_PAGES = 100;
/** A whole request is at most 32 MB. */
export const MAX_REQUEST_BYTES = 32 * 1024 * 1024;

const SOURCE_TYPES = new Set(['base64', 'text', 'content', 'url', 'file']);

/** Every document block of the messages, with its path, including those inside tool_result content. */
function documentBlocks(messages: Json[]): Array<{ path: string; block: Json }> {
  const found: Array<{ path: string; block: Json }> = [];
  messages.forEach((message, m) =>
    blocksOf(message).forEach((block, b) => {
      if (block.type === 'document') found.push({ path: `messages.${m}.content.${b}`, block });
      if (block.type === 'tool_result') {
        resultBlocksOf(block).forEach((inner, i) => {
          if (inner.type === 'document') found.push({ path: `messages.${m}.content.${b}.content.${i}`, block: inner });
        });
      }
    }),
  );
  return found;
}

/**
 * The pages a PDF declares: its page objects (`/Type /Page`, not `/Pages`), counted without
 * parsing the file. Enough to hold a request to the page limit; a PDF with none is refused as
 * the API refuses a PDF it cannot read.
 */
export function pdfPageCount(bytes: Buffer): number {
  return (bytes.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
}

/**
 * Refuses the document blocks the real API refuses: a source of an unknown type, a base64 source
 * that is not a PDF (`application/pdf`, bytes starting `%PDF-`) or not base64, a PDF without
 * pages, a plain-text source that is not `text/plain` text, and more PDF pages in the request
 * than the API reads at once. Blocks by reference (`blob_ref`, the product's own storage form)
 * must never reach the API: they are refused like any unknown source type.
 */
export function checkDocuments(messages: Json[]): Refusal | undefined {
  let pages = 0;
  for (const { path, block } of documentBlocks(messages)) {
    const source = (block as Loose<BetaRequestDocumentBlock>).source;
    if (!isRecord(source)) return invalid(`${path}.source: Field required`);
    if (typeof source.type !== 'string' || !SOURCE_TYPES.has(source.type)) {
      return invalid(`${path}.document.source: Input tag '${String(source.type)}' found using 'type' does not match any of the expected tags: ${[...SOURCE_TYPES].map((type) => `'${type}'`).join(', ')}`);
    }
    if (source.type === 'text') {
      const text = source as Loose<BetaPlainTextSource>;
      if (text.media_type !== 'text/plain') return invalid(`${path}.document.source.text.media_type: Input should be 'text/plain'`);
      if (typeof text.data !== 'string') return invalid(`${path}.document.source.text.data: Field required`);
      continue;
    }
    if (source.type !== 'base64') continue;
    const { media_type: mediaType, data } = source as Loose<BetaBase64PDFSource>;
    const where = `${path}.document.source.base64`;
    if (mediaType !== 'application/pdf') return invalid(`${where}.media_type: Input should be 'application/pdf'`);
    if (typeof data !== 'string' || data === '' || data.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(data)) {
      return invalid(`${where}.data: The PDF data is not valid base64.`);
    }
    const bytes = Buffer.from(data, 'base64');
    if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') return invalid(`${where}.data: The PDF specified was not valid.`);
    const count = pdfPageCount(bytes);
    if (count === 0) return invalid(`${where}.data: The PDF specified was not valid.`);
    pages += count;
  }
  if (pages > MAX_PDF_PAGES) return invalid(`A maximum of ${MAX_PDF_PAGES} PDF pages may be provided. Found ${pages}.`);
  return undefined;
}
