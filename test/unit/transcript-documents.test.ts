import { describe, expect, it } from 'vitest';
import { documentReference, firstUserMessage, toApiMessages, toolResultsMessage, type StoredTranscript } from '../../activities/model/transcript.js';

const ref = (n: number) => String(n).padStart(64, '0');

/** A transcript in which the text editor attached `count` PDFs, one per turn. */
function transcriptWithPdfs(count: number): StoredTranscript {
  const messages: StoredTranscript['messages'] = [firstUserMessage('read my scans')];
  for (let index = 1; index <= count; index++) {
    messages.push({ role: 'assistant', content: [{ type: 'tool_use', id: `t${index}`, name: 'str_replace_based_edit_tool', input: { command: 'view', path: `scan${index}.pdf` } }] });
    messages.push(toolResultsMessage([{ toolUseId: `t${index}`, isError: false, text: 'attached', blocks: [documentReference(ref(index), `scan${index}.pdf`) as unknown as Record<string, unknown>] }]));
  }
  return { version: 1, messages };
}

describe('PDFs in the conversation', () => {
  it('are stored by reference and sent as base64 document blocks', async () => {
    const stored = transcriptWithPdfs(1);
    expect(JSON.stringify(stored)).not.toContain('base64');
    const messages = await toApiMessages(stored, async (blob) => Buffer.from(`%PDF-${blob.slice(-1)}`));
    const result = messages[2]!.content[0] as { content: Array<Record<string, unknown>> };
    expect(result.content[1]).toEqual({ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: Buffer.from('%PDF-1').toString('base64') }, title: 'scan1.pdf' });
  });

  it('only the newest travels whole; an older one becomes a note saying to view it again', async () => {
    const messages = await toApiMessages(transcriptWithPdfs(3), async () => Buffer.from('%PDF-1.4'));
    const sent = JSON.stringify(messages);
    expect(sent.match(/"type":"document"/g)).toHaveLength(1);
    expect(sent).toContain('"title":"scan3.pdf"');
    expect(sent).toContain('[scan1.pdf, shown earlier, is no longer attached; view it again to read it]');
  });
});
