import { copyFile, mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ToolResultRecord } from '../../common/contract.js';
import { createFileActivities } from '../../activities/files/file-activity.js';
import { createContentStore, type ContentStore } from '../../activities/store/content-store.js';
import { writeOfficeDocuments } from '../helpers/office-documents.js';

// Each document is read in a thread of its own, which takes a moment to start on a busy machine.
vi.setConfig({ testTimeout: 60_000 });

const TOOL = 'str_replace_based_edit_tool';
let base: string;
let root: string;
let outside: string;
let store: ContentStore;
let perform: (input: unknown, model?: string) => Promise<ToolResultRecord>;
let calls = 0;

const view = (file: string, viewRange?: [number, number]) => perform({ command: 'view', path: file, ...(viewRange ? { view_range: viewRange } : {}) });

beforeAll(async () => {
  base = await realpath(await mkdtemp(path.join(os.tmpdir(), 'dispatch-documents-')));
  root = path.join(base, 'granted');
  outside = path.join(base, 'elsewhere');
  await mkdir(root);
  await mkdir(outside);
  await writeOfficeDocuments(root);
  await copyFile(path.join(root, 'invoice.pdf'), path.join(outside, 'invoice.pdf'));
  store = createContentStore(path.join(base, 'home', 'blobs'));
  const { performFileTool } = createFileActivities({
    roots: [root],
    trashDir: path.join(base, 'home', 'trash'),
    journalDir: path.join(base, 'home', 'journal'),
    maxCharacters: 60_000,
    store,
  });
  perform = (input, model) => performFileTool({ taskId: 'task-1', toolUseId: `toolu_${++calls}`, toolName: TOOL, input, ...(model ? { model } : {}) });
}, 120_000);

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('a spreadsheet is read in place, every sheet with cell references and saved formula values', () => {
  it('shows both sheets of sales.xlsx with their known cells and the values Excel saved for the formulas', async () => {
    const result = await view('sales.xlsx');
    expect(result.isError).toBe(false);
    expect(result.text).toContain('## Sheet "Sales" (A1:D4)');
    expect(result.text).toContain('| 1 | Region | Q1 | Q2 | Total |');
    expect(result.text).toContain('| 2 | North | 1200 | 1350 | 2550 (=SUM(B2:C2)) |');
    expect(result.text).toContain('| 4 | All regions |  |  | 4540 (=SUM(D2:D3)) |');
    expect(result.text).toContain('## Sheet "Notes" (A1:B2)');
    expect(result.text).toContain('| 1 | Prepared by | Dana Whitfield |');
    expect(result.text).toContain('| 2 | Double North | 5100 (=Sales!D2*2) |');
  });

  it('says so when a formula was saved without a value, instead of showing it blank', async () => {
    expect((await view('uncached.xlsx')).text).toMatch(/\| 2 \| 2 \| 3 \| \(=A2\+B2: no saved value/);
  });

  it('reads OpenDocument and old Excel workbooks too', async () => {
    expect((await view('budget.ods')).text).toContain('| 3 | Sum | 1920 (=SUM(B1:B2)) |');
    expect((await view('legacy.xls')).text).toContain('| 2 | Gadgets | 7 |');
  });

  it('shows the first 200 of 40,000 rows, says how to see more, and view_range picks rows', async () => {
    const first = await view('big.xlsx');
    expect(first.text).toContain('Rows 1-200 of 40001 shown; view_range [201, 400] shows the next 200.');
    expect(first.text).toContain('| 200 | 199 | item-199 | 597 |');
    expect(first.text).not.toContain('| 201 | 200 |');
    const last = await view('big.xlsx', [39999, -1]);
    expect(last.text).toContain('| 40001 | 40000 | item-40000 | 120000 |');
    expect(last.text).not.toContain('| 39998 | 39997 |');
    expect(await view('big.xlsx', [50000, -1])).toMatchObject({ isError: true, text: expect.stringContaining('has 40001 rows') });
  });

  it('shows CSV and TSV as tables, and a CSV stays editable as the text it is', async () => {
    await writeFile(path.join(root, 'people.csv'), 'name,city\n"Ortiz, Sam",Lyon\nPriya,007\n');
    await writeFile(path.join(root, 'people.tsv'), 'name\tcity\nAda\tLondon\n');
    expect((await view('people.csv')).text).toContain('| 2 | Ortiz, Sam | Lyon |\n| 3 | Priya | 007 |');
    expect((await view('people.tsv')).text).toContain('| 2 | Ada | London |');
    const edit = await perform({ command: 'str_replace', path: 'people.csv', old_str: 'Priya,007', new_str: 'Priya,Pune' });
    expect(edit.isError).toBe(false);
    expect(await readFile(path.join(root, 'people.csv'), 'utf8')).toContain('Priya,Pune');
  });
});

describe('documents are read as Markdown text', () => {
  it('reads notes.docx with its headings, lists and table', async () => {
    const { text, isError } = await view('notes.docx');
    expect(isError).toBe(false);
    for (const line of ['# Quarterly notes', '## Action items', '- Call the supplier', '- Renew the lease', '1. Draft the budget', '2. Send it to finance', '| Lease | Sam Ortiz |']) {
      expect(text).toContain(line);
    }
  });

  it('reads notes.odt and slides.pptx', async () => {
    const odt = (await view('notes.odt')).text;
    expect(odt).toContain('# Trip plan');
    expect(odt).toContain('- Passports');
    expect(odt).toContain('| Train | 85 |');
    const deck = (await view('slides.pptx')).text;
    expect(deck).toMatch(/## Slide 1: Roadmap 2025[\s\S]*Planning review[\s\S]*## Slide 2: Milestones[\s\S]*- Beta in March[\s\S]*- Launch in June[\s\S]*Notes: Mention the hiring plan/);
  });

  it('takes view_range as lines of the extracted text', async () => {
    const { text } = await view('notes.docx', [5, 6]);
    expect(text).toMatch(/Lines 5-6 of \d+ shown/);
    expect(text).toContain('5\t## Action items');
    expect(text).not.toContain('Quarterly notes');
  });

  it('reads a PDF page by page, view_range counting pages', async () => {
    const whole = (await view('invoice.pdf')).text;
    expect(whole).toMatch(/## Page 1\nInvoice INV-2024-0042\nTotal due: 1,234\.56 EUR/);
    expect(whole).toContain('## Page 2\nPayment terms: 30 days net');
    const second = (await view('invoice.pdf', [2, 2])).text;
    expect(second).toContain('Pages 2-2 of 2 shown');
    expect(second).not.toContain('INV-2024-0042');
  });
});

describe('what has no text is shown as it is', () => {
  it('hands a scanned PDF to the model as the PDF itself, kept in the content store', async () => {
    const result = await view('scanned.pdf');
    expect(result).toMatchObject({ isError: false, text: expect.stringContaining('no text layer') });
    expect(result.blocks).toEqual([{ type: 'document', source: { type: 'blob_ref', ref: expect.any(String), media_type: 'application/pdf' }, title: 'scanned.pdf' }]);
    const ref = (result.blocks![0] as { source: { ref: string } }).source.ref;
    expect((await store.get(ref)).equals(await readFile(path.join(root, 'scanned.pdf')))).toBe(true);
  });

  it('refuses a scanned PDF longer than the API reads at once, saying what to do', async () => {
    expect(await view('scanned-long.pdf')).toMatchObject({ isError: true, text: expect.stringMatching(/no text layer.*101 pages.*at most 100 pages.*Open it in an app/s) });
  });

  it('shows a picture within the image rule of the task\'s model', async () => {
    for (const [model, longEdge] of [['claude-sonnet-4-6', 1568], ['claude-sonnet-5-5', 2576]] as const) {
      const result = await perform({ command: 'view', path: 'photo.png' }, model);
      expect(result).toMatchObject({ isError: false, imageRef: expect.any(String), imageMediaType: expect.stringMatching(/^image\/(png|jpeg)$/) });
      expect(result.text).toContain('(4000×3000 px, shown scaled to');
      const shown = await sharp(await store.get(result.imageRef!)).metadata();
      expect(Math.max(shown.width!, shown.height!)).toBeLessThanOrEqual(longEdge);
      expect(shown.width! / shown.height!).toBeCloseTo(4 / 3, 1);
    }
  });
});

describe('documents are not written by the text editor', () => {
  it.each([
    ['str_replace', { old_str: 'North', new_str: 'East' }],
    ['insert', { insert_line: 0, insert_text: 'x' }],
  ])('%s on a workbook is refused, pointing to create of a .csv, .md or .txt', async (command, fields) => {
    const before = await readFile(path.join(root, 'sales.xlsx'));
    const result = await perform({ command, path: 'sales.xlsx', ...fields });
    expect(result).toMatchObject({ isError: true, text: expect.stringMatching(/create.*\.csv, \.md or \.txt/) });
    expect((await readFile(path.join(root, 'sales.xlsx'))).equals(before)).toBe(true);
  });

  it('create of a .docx is refused rather than writing text into it', async () => {
    expect(await perform({ command: 'create', path: 'new.docx', file_text: 'hello' })).toMatchObject({ isError: true, text: expect.stringContaining('.csv, .md or .txt') });
  });
});

describe('bad documents are clear errors, and the worker stays up', () => {
  it.each([
    ['bomb.docx', /zip bomb/],
    ['lying-bomb.xlsx', /more than the 2 KB its header declares.*zip bomb/],
    ['truncated.xlsx', /damaged/],
    ['garbage.pdf', /could not be read as a PDF/],
    ['secret.docx', /password-protected/],
    ['secret.xlsx', /password-protected/],
    ['secret.pdf', /password-protected/],
  ])('%s', async (file, message) => {
    expect(await view(file)).toMatchObject({ isError: true, text: expect.stringMatching(message) });
  });

  it('a document outside the granted folders is refused like any file', async () => {
    expect(await view(path.join(outside, 'invoice.pdf'))).toMatchObject({ isError: true, text: expect.stringContaining('outside the folders you may use') });
  });

  it('a document too large for its parser thread is stopped, and reading goes on afterwards', async () => {
    const { parseInThread } = await import('../../activities/files/documents/document-reader.js');
    const bytes = await readFile(path.join(root, 'big.xlsx'));
    await expect(parseInThread({ kind: 'spreadsheet', file: 'big.xlsx', bytes }, { heapMb: 8, timeoutMs: 60_000 })).rejects.toThrow(/memory/);
    await expect(parseInThread({ kind: 'spreadsheet', file: 'big.xlsx', bytes }, { heapMb: 768, timeoutMs: 20 })).rejects.toThrow(/longer than/);
    expect((await view('sales.xlsx')).text).toContain('Dana Whitfield');
  });
});
