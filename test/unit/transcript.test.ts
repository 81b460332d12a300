import { describe, expect, it } from 'vitest';
import { firstUserMessage, toApiMessages, toolResultsMessage, type StoredTranscript } from '../../activities/model/transcript.js';

const image = (name: string) => Buffer.from(`image-${name}`);

function transcriptWithScreenshots(count: number): StoredTranscript {
  const messages: StoredTranscript['messages'] = [firstUserMessage('do it', { ref: 'a'.repeat(64), mediaType: 'image/png' })];
  for (let index = 1; index < count; index++) {
    messages.push({ role: 'assistant', content: [{ type: 'tool_use', id: `t${index}`, name: 'computer', input: { action: 'left_click' } }] });
    messages.push(toolResultsMessage([{ toolUseId: `t${index}`, isError: false, imageRef: String(index).padStart(64, '0'), imageMediaType: 'image/png' }]));
  }
  return { version: 1, messages };
}

function sentImages(messages: Awaited<ReturnType<typeof toApiMessages>>): string[] {
  const found: string[] = [];
  const visit = (block: Record<string, unknown>) => {
    if (block.type === 'image') found.push(Buffer.from(String((block.source as { data: string }).data), 'base64').toString());
    if (Array.isArray(block.content)) (block.content as Array<Record<string, unknown>>).forEach(visit);
  };
  messages.forEach((message) => message.content.forEach(visit));
  return found;
}

describe('the conversation sent to the model', () => {
  it('sends only the newest screenshots, dropping older ones in chunks so the cached prefix stays stable', async () => {
    const load = async (ref: string) => image(ref.replace(/^0+/, '') || 'first');
    // 5 screenshots, keep 3, chunk 3: surplus 2 is below one chunk, so all 5 are still sent.
    expect(sentImages(await toApiMessages(transcriptWithScreenshots(5), load, { keep: 3, chunk: 3 }))).toHaveLength(5);
    // 6 screenshots: surplus 3 is one chunk, the 3 oldest become a note.
    const six = await toApiMessages(transcriptWithScreenshots(6), load, { keep: 3, chunk: 3 });
    expect(sentImages(six)).toEqual(['image-3', 'image-4', 'image-5']);
    expect(JSON.stringify(six)).toContain('no longer shown');
  });

  it('marks the last two user turns as cache breakpoints and nothing else', async () => {
    const messages = await toApiMessages(transcriptWithScreenshots(4), async () => image('x'));
    const marked = messages.flatMap((message, index) => message.content.filter((block) => 'cache_control' in block).map(() => index));
    expect(marked).toEqual([4, 6]);
  });

  it('answers every tool call, with a placeholder text when a result has no content', () => {
    const message = toolResultsMessage([
      { toolUseId: 'a', isError: false },
      { toolUseId: 'b', isError: true, text: 'Coordinate outside the screen' },
    ]);
    expect(message.content).toEqual([
      { type: 'tool_result', tool_use_id: 'a', is_error: false, content: [{ type: 'text', text: 'Done.' }] },
      { type: 'tool_result', tool_use_id: 'b', is_error: true, content: [{ type: 'text', text: 'Coordinate outside the screen' }] },
    ]);
  });
});
