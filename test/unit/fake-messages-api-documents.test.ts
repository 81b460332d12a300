import { beforeAll, describe, expect, it } from 'vitest';
import { pdfPageCount } from '../helpers/messages-document-rules.js';
import { NOVEMBER_BETA, pngBase64, toolsetRequest, type Mutable } from '../helpers/messages-fixtures.js';
import { checkMessagesRequest } from '../helpers/messages-request-rules.js';

let shot = '';
beforeAll(async () => {
  shot = await pngBase64(64, 40);
});

/** A small PDF with `pages` page objects, enough for the fake's checks. */
function pdf(pages: number): string {
  const kids = Array.from({ length: pages }, (_, index) => `${index + 3} 0 obj <</Type /Page /Parent 2 0 R>> endobj`).join('\n');
  return Buffer.from(`%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Count ${pages}>> endobj\n${kids}\n%%EOF\n`).toString('base64');
}

const document = (data: string, mediaType = 'application/pdf') => ({ type: 'document', source: { type: 'base64', media_type: mediaType, data }, title: 'scan.pdf' });

/** The toolset request whose text-editor result (a regular tool) carries `blocks` after its text. */
function editorResultWith(...blocks: object[]): Mutable {
  const request = toolsetRequest(shot);
  request.messages[2].content[2].content = [{ type: 'text', text: 'The PDF is attached.' }, ...blocks];
  return request;
}

const verdict = (request: Mutable) => checkMessagesRequest(request, NOVEMBER_BETA);
const bad = (message: RegExp) => ({ status: 400, type: 'invalid_request_error', message: expect.stringMatching(message) });

describe('PDF documents in tool results, as the real API takes them', () => {
  it('counts page objects, not the page tree', () => {
    expect(pdfPageCount(Buffer.from(pdf(3), 'base64'))).toBe(3);
  });

  it('accepts a PDF document block in a regular tool result', () => {
    expect(verdict(editorResultWith(document(pdf(2))))).toBeUndefined();
  });

  it('refuses a document in a toolset member result, which holds only text and images', () => {
    const request = toolsetRequest(shot);
    request.messages[2].content[1].content = [document(pdf(1))];
    expect(verdict(request)).toEqual(bad(/^messages\.2\.content\.1\.content\.0: a computer toolset result may hold only text, image blocks, not document/));
  });

  it('refuses a reference the product stores but must expand before sending', () => {
    const stored = { type: 'document', source: { type: 'blob_ref', ref: 'a'.repeat(64), media_type: 'application/pdf' } };
    expect(verdict(editorResultWith(stored))).toEqual(bad(/^messages\.2\.content\.2\.content\.1\.document\.source: Input tag 'blob_ref'/));
  });

  it('refuses bytes that are not a PDF, a wrong media type and broken base64', () => {
    expect(verdict(editorResultWith(document(Buffer.from('PK\u0003\u0004 a zip').toString('base64'))))).toEqual(bad(/The PDF specified was not valid/));
    expect(verdict(editorResultWith(document(pdf(1), 'application/vnd.ms-excel')))).toEqual(bad(/media_type: Input should be 'application\/pdf'/));
    expect(verdict(editorResultWith(document('%%%not base64')))).toEqual(bad(/not valid base64/));
  });

  it('refuses more than 100 PDF pages in one request, counted across documents', () => {
    expect(verdict(editorResultWith(document(pdf(60)), document(pdf(40))))).toBeUndefined();
    expect(verdict(editorResultWith(document(pdf(60)), document(pdf(41))))).toEqual(bad(/A maximum of 100 PDF pages may be provided\. Found 101\./));
  });

  it('answers a request over 32 MB with 413 request_too_large', () => {
    const huge = Buffer.alloc(25 * 1024 * 1024, 0x20);
    huge.write('%PDF-1.4\n<</Type /Page>>\n');
    expect(verdict(editorResultWith(document(huge.toString('base64'))))).toMatchObject({ status: 413, type: 'request_too_large' });
  });
});
