import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_RESULT_CHARACTERS, MAX_RESULT_IMAGES, cutText, toToolResultRecord } from '../../activities/mcp/mcp-results.js';
import { toolResultsMessage } from '../../activities/model/transcript.js';
import { createContentStore, type ContentStore } from '../../activities/store/content-store.js';
import { LARGE_IMAGE_RULE, STANDARD_IMAGE_RULE } from '../../common/models.js';

const png = (width: number, height: number): Promise<Buffer> =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } }).png().toBuffer();

describe('an MCP tool result, as the model is shown it', () => {
  let dir: string;
  let store: ContentStore;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'od-mcp-results-'));
    store = createContentStore(dir);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const map = (result: unknown, imageRule = LARGE_IMAGE_RULE) => toToolResultRecord('toolu_1', result, { store, imageRule });

  it('keeps text as text and an error as an error', async () => {
    expect(await map({ content: [{ type: 'text', text: 'first' }, { type: 'text', text: 'second' }] })).toEqual({ toolUseId: 'toolu_1', isError: false, text: 'first\nsecond' });
    expect(await map({ content: [{ type: 'text', text: 'No such issue: #12' }], isError: true })).toEqual({ toolUseId: 'toolu_1', isError: true, text: 'No such issue: #12' });
    expect(await map({ content: [] })).toEqual({ toolUseId: 'toolu_1', isError: false });
  });

  it('says structured content as JSON, once, even when a text block already carries it', async () => {
    const weather = { temperature: 21, conditions: 'sunny' };
    expect((await map({ content: [], structuredContent: weather })).text).toBe(JSON.stringify(weather, null, 2));
    expect((await map({ content: [{ type: 'text', text: JSON.stringify(weather) }], structuredContent: weather })).text).toBe(JSON.stringify(weather));
  });

  it('turns embedded resources and resource links into text, and describes binary data and audio', async () => {
    const record = await map({
      content: [
        { type: 'resource', resource: { uri: 'file:///notes/todo.md', mimeType: 'text/markdown', text: '- buy milk' } },
        { type: 'resource', resource: { uri: 'file:///report.pdf', mimeType: 'application/pdf', blob: Buffer.alloc(300).toString('base64') } },
        { type: 'resource_link', uri: 'file:///big.csv', name: 'big.csv', description: 'the whole export' },
        { type: 'audio', data: 'AAAA', mimeType: 'audio/wav' },
      ],
    });
    expect(record.text).toBe(
      [
        'Resource file:///notes/todo.md (text/markdown):\n- buy milk',
        '[Resource file:///report.pdf (application/pdf), 300 bytes of binary data, not shown]',
        'Resource link: big.csv <file:///big.csv> — the whole export',
        '[audio (audio/wav), not shown: you cannot hear it]',
      ].join('\n'),
    );
  });

  it("shows an image within the model's image rule: a small one as it is, a large one scaled down", async () => {
    const small = await png(20, 20);
    const kept = await map({ content: [{ type: 'image', data: small.toString('base64'), mimeType: 'image/png' }] });
    expect(kept).toMatchObject({ isError: false, imageMediaType: 'image/png' });
    expect(await store.get(kept.imageRef!)).toEqual(small);

    const large = await map({ content: [{ type: 'image', data: (await png(4000, 3000)).toString('base64'), mimeType: 'image/png' }] }, STANDARD_IMAGE_RULE);
    const { width, height } = await sharp(await store.get(large.imageRef!)).metadata();
    expect(Math.max(width!, height!)).toBeLessThanOrEqual(STANDARD_IMAGE_RULE.maxLongEdge);
    expect(Math.ceil(width! / 28) * Math.ceil(height! / 28)).toBeLessThanOrEqual(STANDARD_IMAGE_RULE.maxPatches);
    expect(width! / height!).toBeCloseTo(4 / 3, 1);

    const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: 'white' } }).gif().toBuffer();
    expect(await map({ content: [{ type: 'image', data: gif.toString('base64'), mimeType: 'image/gif' }] })).toMatchObject({ imageMediaType: 'image/png' });
    expect((await map({ content: [{ type: 'image', data: 'bm90IGFuIGltYWdl', mimeType: 'image/png' }] })).text).toBe('[an image (image/png) that could not be read as an image]');
  });

  it('carries several images: the first as the image, the others as image blocks of the same result, at most five', async () => {
    const images = await Promise.all([10, 11, 12, 13, 14, 15, 16].map((size) => png(size, size)));
    const record = await map({ content: [{ type: 'text', text: 'seven sizes' }, ...images.map((image) => ({ type: 'image', data: image.toString('base64'), mimeType: 'image/png' }))] });
    expect(record.imageRef).toBeDefined();
    expect(record.blocks).toHaveLength(MAX_RESULT_IMAGES - 1);
    expect(record.text).toBe('seven sizes\n[2 more images not shown: at most 5 per result]');
    const [block] = toolResultsMessage([record]).content;
    const inner = (block as { content: Array<{ type: string }> }).content;
    expect(inner.map((part) => part.type)).toEqual(['text', 'image', 'image', 'image', 'image', 'image']);
  });

  it('cuts text past the bound and says so', async () => {
    const record = await map({ content: [{ type: 'text', text: 'x'.repeat(MAX_RESULT_CHARACTERS + 5_000) }] });
    expect(record.text!.startsWith('x'.repeat(MAX_RESULT_CHARACTERS))).toBe(true);
    expect(record.text).toMatch(/\[Cut: this result had 105,000 characters; only the first 100,000 are shown\./);
    expect(record.text!.length).toBeLessThan(MAX_RESULT_CHARACTERS + 300);
    expect(cutText(`${'a'.repeat(9)}😀`, 10)).toMatch(/^a{9}\n\n\[Cut: this result had 11 characters; only the first 9 are shown/);
    expect(cutText('short', 10)).toBe('short');
  });
});
