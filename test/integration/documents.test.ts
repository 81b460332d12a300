import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskResult } from '../../common/contract.js';
import { startTask } from '../../common/task-starter.js';
import { startDesktopStack, type DesktopStack } from '../helpers/desktop-stack.js';
import { documentsIn, endTurn, imagesIn, lastToolResults, toolUseReply, type RecordedRequest } from '../helpers/fake-messages-api.js';
import { writeOfficeDocuments } from '../helpers/office-documents.js';

/**
 * The model reads the person's documents through the text editor's `view`, in a real task: a
 * worker process, Temporal, and the fake Messages API checking every request as the real API
 * would. The documents are made by other programs (see office-documents.py).
 */
describe('the agent reads documents in the granted folder without opening an app', () => {
  let stack: DesktopStack;

  beforeAll(async () => {
    stack = await startDesktopStack();
    await writeOfficeDocuments(stack.roots[0]!);
    await stack.startWorker();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** Runs a task whose model views `file`, and returns the request that carried the view's result. */
  async function viewInTask(file: string): Promise<RecordedRequest> {
    let answered: RecordedRequest | undefined;
    stack.model.enqueue(toolUseReply({ name: 'str_replace_based_edit_tool', input: { command: 'view', path: file } }), (request) => {
      answered = request;
      return endTurn('Read it.');
    });
    const taskId = await startTask(stack.client, stack.config, { prompt: `read ${file}`, desktopId: stack.desktopId });
    const result = (await stack.client.workflow.getHandle(taskId).result()) as TaskResult;
    expect(result).toMatchObject({ reason: 'completed', text: 'Read it.' });
    expect(stack.model.refusals).toEqual([]);
    return answered!;
  }

  it('a workbook viewed by the model arrives in its next request as tables with the known cells of both sheets', async () => {
    const [result] = lastToolResults(await viewInTask('sales.xlsx'));
    expect(result).toMatchObject({ is_error: false, images: 0 });
    expect(result!.text).toContain('## Sheet "Sales" (A1:D4)');
    expect(result!.text).toContain('| 2 | North | 1200 | 1350 | 2550 (=SUM(B2:C2)) |');
    expect(result!.text).toContain('| 1 | Prepared by | Dana Whitfield |');
    expect(result!.text).toContain('| 2 | Double North | 5100 (=Sales!D2*2) |');
  });

  it('a scanned PDF reaches the model as the PDF itself, in a document block the API accepts', async () => {
    const request = await viewInTask('scanned.pdf');
    expect(lastToolResults(request)[0]).toMatchObject({ is_error: false, text: expect.stringContaining('no text layer') });
    const [sent] = documentsIn(request);
    expect(sent).toMatchObject({ title: 'scanned.pdf', source: { type: 'base64', media_type: 'application/pdf' } });
    expect(Buffer.from(sent!.source.data!, 'base64').equals(await readFile(path.join(stack.roots[0]!, 'scanned.pdf')))).toBe(true);
  });

  it('a picture is shown to the model within its image rule', async () => {
    const request = await viewInTask('photo.png');
    expect(lastToolResults(request)[0]).toMatchObject({ is_error: false, images: 1, text: expect.stringContaining('4000×3000') });
    expect(imagesIn(request).length).toBeGreaterThan(0);
  });

  it('a zip bomb comes back as an error the model reads, and the worker goes on reading documents', async () => {
    expect(lastToolResults(await viewInTask('bomb.docx'))[0]).toMatchObject({ is_error: true, text: expect.stringContaining('zip bomb') });
    expect(lastToolResults(await viewInTask('notes.docx'))[0]!.text).toContain('# Quarterly notes');
  });
});
