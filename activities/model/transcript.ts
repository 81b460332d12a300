import type { BlobRef, ToolResultRecord } from '../../common/contract.js';
import type { ApiMessage } from './messages-port.js';

/**
 * The conversation with the model, stored as one JSON blob per version in the content store.
 * Images appear as references and become base64 only when a request is built, so a transcript
 * blob stays small and the workflow history carries only its digest.
 */
export interface StoredTranscript {
  version: 1;
  messages: ApiMessage[];
}

/** An image inside a stored message; replaced by base64 (or a note) when the request is built. */
export interface ImageReferenceBlock {
  type: 'image';
  source: { type: 'blob_ref'; ref: BlobRef; media_type: string };
}

/** A PDF inside a stored message (a tool result), by reference; base64 only in the request. */
export interface DocumentReferenceBlock {
  type: 'document';
  source: { type: 'blob_ref'; ref: BlobRef; media_type: 'application/pdf' };
  title?: string;
}

/** A PDF in a stored message, by reference into the content store. */
export function documentReference(ref: BlobRef, title?: string): DocumentReferenceBlock {
  return { type: 'document', source: { type: 'blob_ref', ref, media_type: 'application/pdf' }, ...(title ? { title } : {}) };
}

/**
 * How many of the newest PDFs a request carries whole. The API counts every PDF page of a request
 * against one limit (100 pages for most models), and a PDF costs its pages' tokens on every turn,
 * so an older one becomes a note; the model can view the file again.
 */
export const DOCUMENTS_KEPT = 1;

export function emptyTranscript(): StoredTranscript {
  return { version: 1, messages: [] };
}

/** An image in a stored message, by reference into the content store. */
export function imageReference(ref: BlobRef, mediaType: string): ImageReferenceBlock {
  return { type: 'image', source: { type: 'blob_ref', ref, media_type: mediaType } };
}

/** The first user turn: what the person asked, with the screen as it is now (or a note why not). */
export function firstUserMessage(prompt: string, screenshot?: { ref: BlobRef; mediaType: string }, note?: string, userText?: string): ApiMessage {
  const content: Array<Record<string, unknown>> = [{ type: 'text', text: prompt }];
  // What the person said before the task's first step (while the desktop was away, say).
  if (userText) content.push({ type: 'text', text: userText });
  if (note) content.push({ type: 'text', text: note });
  if (screenshot) content.push(imageReference(screenshot.ref, screenshot.mediaType) as unknown as Record<string, unknown>);
  return { role: 'user', content };
}

/** One user turn answering every tool call of the previous assistant turn. */
export function toolResultsMessage(results: ToolResultRecord[]): ApiMessage {
  return {
    role: 'user',
    content: results.map((result) => {
      const content: Array<Record<string, unknown>> = [];
      if (result.text !== undefined && result.text !== '') content.push({ type: 'text', text: result.text });
      if (result.imageRef) {
        content.push(imageReference(result.imageRef, result.imageMediaType ?? 'image/png') as unknown as Record<string, unknown>);
      }
      if (content.length === 0) content.push({ type: 'text', text: result.isError ? 'Failed.' : 'Done.' });
      if (result.blocks) content.push(...result.blocks);
      return {
        type: 'tool_result',
        tool_use_id: result.toolUseId,
        ...(result.toolsetName !== undefined ? { toolset_name: result.toolsetName } : {}),
        is_error: result.isError,
        content,
      };
    }),
  };
}

function isImageReference(block: unknown): block is ImageReferenceBlock {
  const candidate = block as Partial<ImageReferenceBlock> | null;
  return candidate?.type === 'image' && candidate.source?.type === 'blob_ref';
}

function isDocumentReference(block: unknown): block is DocumentReferenceBlock {
  const candidate = block as Partial<DocumentReferenceBlock> | null;
  return candidate?.type === 'document' && candidate.source?.type === 'blob_ref';
}

/** Every block of the messages that passes `test`, tool results' inner blocks included, in order. */
function countBlocks(messages: ApiMessage[], test: (block: unknown) => boolean): number {
  let count = 0;
  for (const message of messages) {
    for (const block of message.content) {
      if (test(block)) count++;
      if (block.type === 'tool_result' && Array.isArray(block.content)) {
        for (const inner of block.content as unknown[]) if (test(inner)) count++;
      }
    }
  }
  return count;
}

/**
 * How many of the newest screenshots are sent. Older ones are dropped in chunks, not one per
 * turn, so the request prefix stays byte-identical for several turns and prompt caching hits.
 */
export interface ImageRetention {
  keep: number;
  chunk: number;
}

export const DEFAULT_IMAGE_RETENTION: ImageRetention = { keep: 3, chunk: 3 };

/**
 * Builds the API messages from a stored transcript: the newest images and PDFs as base64 (the
 * content store holds their bytes), older ones as a short note, and a cache breakpoint on the
 * last two user turns so each request reads the previous one's cache.
 */
export async function toApiMessages(
  transcript: StoredTranscript,
  /** Reads a blob (an image or a PDF) from the content store. */
  loadImage: (ref: BlobRef) => Promise<Buffer>,
  retention: ImageRetention = DEFAULT_IMAGE_RETENTION,
): Promise<ApiMessage[]> {
  const surplus = Math.max(0, countBlocks(transcript.messages, isImageReference) - retention.keep);
  const dropped = surplus - (surplus % Math.max(1, retention.chunk));
  const documentsDropped = Math.max(0, countBlocks(transcript.messages, isDocumentReference) - DOCUMENTS_KEPT);
  let documentIndex = 0;

  const convert = async (block: Record<string, unknown>, index: { value: number }): Promise<Record<string, unknown>> => {
    if (isImageReference(block)) {
      const position = index.value++;
      if (position < dropped) return { type: 'text', text: '[an earlier screenshot, no longer shown]' };
      const data = (await loadImage(block.source.ref)).toString('base64');
      return { type: 'image', source: { type: 'base64', media_type: block.source.media_type, data } };
    }
    if (isDocumentReference(block)) {
      const name = block.title ?? 'a PDF';
      if (documentIndex++ < documentsDropped) return { type: 'text', text: `[${name}, shown earlier, is no longer attached; view it again to read it]` };
      const data = (await loadImage(block.source.ref)).toString('base64');
      return { type: 'document', source: { type: 'base64', media_type: block.source.media_type, data }, ...(block.title ? { title: block.title } : {}) };
    }
    if (block.type === 'tool_result' && Array.isArray(block.content)) {
      const inner: Array<Record<string, unknown>> = [];
      for (const part of block.content as Array<Record<string, unknown>>) inner.push(await convert(part, index));
      return { ...block, content: inner };
    }
    return block;
  };

  const index = { value: 0 };
  const messages: ApiMessage[] = [];
  for (const message of transcript.messages) {
    const content: Array<Record<string, unknown>> = [];
    for (const block of message.content) content.push(await convert(block, index));
    messages.push({ role: message.role, content });
  }

  const userTurns = messages.flatMap((message, position) => (message.role === 'user' ? [position] : []));
  for (const position of userTurns.slice(-2)) {
    const message = messages[position]!;
    const last = message.content.length - 1;
    if (last >= 0) message.content[last] = { ...message.content[last], cache_control: { type: 'ephemeral' } };
  }
  return messages;
}
