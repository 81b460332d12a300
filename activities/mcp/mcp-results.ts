import type { ToolResultRecord } from '../../common/contract.js';
import type { ImageRule } from '../../common/models.js';
import { imageReference } from '../model/transcript.js';
import type { ContentStore } from '../store/content-store.js';
import { fitImageForModel } from './mcp-images.js';

/**
 * The most text one result hands the model, in characters: about 25,000 tokens, a large page of
 * a document, yet a small share of the context window even after several such results.
 */
export const MAX_RESULT_CHARACTERS = 100_000;
/** The most images one result shows the model; more are named in the text instead. */
export const MAX_RESULT_IMAGES = 5;

export interface ResultMappingDeps {
  store: Pick<ContentStore, 'put'>;
  /** The image rule of the task's model (common/models.ts). */
  imageRule: ImageRule;
}

type Block = Record<string, unknown>;

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Text cut at `limit` characters with a note saying so; never splits a surrogate pair. */
export function cutText(text: string, limit = MAX_RESULT_CHARACTERS): string {
  if (text.length <= limit) return text;
  let end = limit;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}\n\n[Cut: this result had ${text.length.toLocaleString('en-US')} characters; only the first ${end.toLocaleString('en-US')} are shown. Ask the tool for less (a narrower query, a page, a range) if you need the rest.]`;
}

/** Whether some text block already is this JSON value, so `structuredContent` is not said twice. */
function saidAlready(texts: string[], value: unknown): boolean {
  const wanted = JSON.stringify(value);
  return texts.some((text) => {
    try {
      return JSON.stringify(JSON.parse(text)) === wanted;
    } catch {
      return false;
    }
  });
}

/** A resource the server embedded in its result, as text (binary resources are described, images shown). */
function resourceText(resource: Block): string {
  const uri = str(resource.uri) ?? 'a resource';
  const text = str(resource.text);
  if (text !== undefined) return `Resource ${uri}${str(resource.mimeType) ? ` (${str(resource.mimeType)})` : ''}:\n${text}`;
  const blob = str(resource.blob) ?? '';
  return `[Resource ${uri} (${str(resource.mimeType) ?? 'binary'}), ${Math.floor((blob.length * 3) / 4).toLocaleString('en-US')} bytes of binary data, not shown]`;
}

/**
 * An MCP `CallToolResult` as the record the model's next turn is built from: text blocks as text;
 * images fitted to the model's image rule, stored, and referenced (the first as `imageRef`, more
 * as image-reference `blocks`, which the transcript turns into images like any other); embedded
 * resources and resource links as text; `structuredContent` as JSON text unless a text block
 * already carries it; `isError` as the result's `isError`. Text past
 * {@link MAX_RESULT_CHARACTERS} is cut, with a note saying so.
 */
export async function toToolResultRecord(toolUseId: string, result: unknown, deps: ResultMappingDeps): Promise<ToolResultRecord> {
  const raw = (typeof result === 'object' && result !== null ? result : {}) as Block;
  // A server of protocol version 2024-10-07 answers `{toolResult}` instead of content.
  const content = Array.isArray(raw.content) ? (raw.content as Block[]) : 'toolResult' in raw ? [{ type: 'text', text: JSON.stringify(raw.toolResult, null, 2) }] : [];
  const texts: string[] = [];
  const images: Array<{ ref: string; mediaType: NonNullable<ToolResultRecord['imageMediaType']> }> = [];
  let imagesLeftOut = 0;

  const addImage = async (base64: string, mimeType: string, what: string): Promise<void> => {
    if (images.length >= MAX_RESULT_IMAGES) {
      imagesLeftOut++;
      return;
    }
    const fitted = await fitImageForModel(Buffer.from(base64, 'base64'), mimeType, deps.imageRule);
    if (!fitted) {
      texts.push(`[${what} (${mimeType}) that could not be read as an image]`);
      return;
    }
    images.push({ ref: await deps.store.put(fitted.bytes), mediaType: fitted.mediaType });
  };

  for (const block of content) {
    switch (block.type) {
      case 'text':
        if (str(block.text)) texts.push(str(block.text)!);
        break;
      case 'image':
        await addImage(str(block.data) ?? '', str(block.mimeType) ?? 'image/png', 'an image');
        break;
      case 'audio':
        texts.push(`[audio (${str(block.mimeType) ?? 'unknown type'}), not shown: you cannot hear it]`);
        break;
      case 'resource': {
        const resource = (block.resource ?? {}) as Block;
        const mimeType = str(resource.mimeType) ?? '';
        if (mimeType.startsWith('image/') && str(resource.blob)) await addImage(str(resource.blob)!, mimeType, `resource ${str(resource.uri) ?? ''}`);
        else texts.push(resourceText(resource));
        break;
      }
      case 'resource_link':
        texts.push(`Resource link: ${str(block.name) ?? str(block.uri) ?? ''} <${str(block.uri) ?? ''}>${str(block.description) ? ` — ${str(block.description)}` : ''}`);
        break;
      default:
        texts.push(`[content of type ${JSON.stringify(block.type)}, not shown]`);
    }
  }
  if (raw.structuredContent !== undefined && !saidAlready(texts, raw.structuredContent)) texts.push(JSON.stringify(raw.structuredContent, null, 2));
  if (imagesLeftOut > 0) texts.push(`[${imagesLeftOut} more image${imagesLeftOut === 1 ? '' : 's'} not shown: at most ${MAX_RESULT_IMAGES} per result]`);

  const record: ToolResultRecord = { toolUseId, isError: raw.isError === true };
  const text = texts.join('\n');
  if (text !== '') record.text = cutText(text);
  const [first, ...more] = images;
  if (first) {
    record.imageRef = first.ref;
    record.imageMediaType = first.mediaType;
  }
  if (more.length > 0) record.blocks = more.map((image) => imageReference(image.ref, image.mediaType) as unknown as Block);
  return record;
}
