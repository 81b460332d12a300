import path from 'node:path';
import * as XLSX from '@e965/xlsx';
import { DOCUMENT_LIMITS } from './document-kinds.js';
import { DocumentRefusal, passwordProtected } from './document-refusal.js';
import { pipeTable } from './markdown-writer.js';
import { windowNote, windowOf, type ViewRange } from './view-window.js';

/**
 * Spreadsheets (xlsx, xlsm, xls, ods) and delimited text (csv, tsv) as the model reads them: every
 * sheet, named, as a table whose header row holds the column letters and whose first column the
 * row numbers, so each value has its cell reference. A formula shows the value the file saved
 * for it (what Excel or LibreOffice last calculated) followed by the formula; a formula saved
 * without a value (some programs write none) says so rather than showing a blank.
 *
 * Read with SheetJS Community Edition 0.20.3 (npm `@e965/xlsx`, a verbatim republication of the
 * SheetJS build; npm's own `xlsx` stopped at 0.18.5 with CVE-2023-30533 and CVE-2024-22363).
 */

/** Columns shown per sheet: view_range pages rows, not columns. */
const MAX_COLUMNS = 100;

/** The workbook as Markdown tables, rows limited to the view window of each sheet. */
export async function readSpreadsheet(bytes: Buffer, file: string, range: ViewRange | undefined): Promise<string> {
  // Old .xls files may store text in a legacy code page; its tables are large, so only they load them.
  if (/\.xls$/i.test(file)) XLSX.set_cptable(await import('@e965/xlsx/dist/cpexcel.full.mjs'));
  const book = parse(bytes, file);
  if (book.SheetNames.length === 0) return `${file} has no sheets.`;
  const perView = DOCUMENT_LIMITS.rowsPerView;
  const sections: string[] = [];
  let largest = 0;
  book.SheetNames.forEach((name, index) => {
    const sheet = book.Sheets[name]!;
    const rows = (sheet['!data'] ?? []) as Array<Array<XLSX.CellObject | undefined> | undefined>;
    const hidden = book.Workbook?.Sheets?.[index]?.Hidden ? ', hidden' : '';
    const title = `## Sheet "${name}"${sheet['!ref'] ? ` (${sheet['!ref']}${hidden})` : hidden ? ` (${hidden.slice(2)})` : ''}`;
    const total = rows.length;
    largest = Math.max(largest, total);
    if (total === 0) {
      sections.push(`${title}\n(empty)`);
      return;
    }
    const window = windowOf(total, range, perView);
    const table = tableOf(rows, window.start, window.end);
    sections.push([title, windowNote(window, 'rows', perView), table].filter(Boolean).join('\n'));
  });
  if (range && range[0] > largest) {
    throw new DocumentRefusal(`view_range starts at row ${range[0]}, but the longest sheet of ${file} has ${largest} rows.`);
  }
  const kind = isDelimited(file)
    ? `Table ${file} (a text file: str_replace and insert edit its raw lines, values separated as in the file)`
    : `Workbook ${file}, ${book.SheetNames.length} sheet(s): ${book.SheetNames.join(', ')}`;
  const header = `${kind}. Cells are named by column letter and row number; a formula's saved value comes before the formula.`;
  return [header, ...sections].join('\n\n');
}

function parse(bytes: Buffer, file: string): XLSX.WorkBook {
  const common = { dense: true, sheetStubs: true, cellFormula: true, cellHTML: false, cellStyles: false, bookVBA: false } as const;
  try {
    if (!isDelimited(file)) return XLSX.read(bytes, { ...common, type: 'buffer' });
    // Text as text: raw keeps "007" and "1/2" as written, instead of guessing numbers and dates.
    const text = new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
    const separator = path.extname(file).toLowerCase() === '.tsv' ? '\t' : ',';
    return XLSX.read(text, { ...common, type: 'string', raw: true, FS: separator });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/password|encrypt/i.test(message)) throw passwordProtected(file);
    throw new DocumentRefusal(`${file} could not be read as a spreadsheet (${message.slice(0, 200)}); it may be damaged.`);
  }
}

function isDelimited(file: string): boolean {
  return /\.(csv|tsv)$/i.test(file);
}

/** Rows `start`..`end` (1-based) as a pipe table; rows with nothing in them are left out. */
function tableOf(rows: Array<Array<XLSX.CellObject | undefined> | undefined>, start: number, end: number): string {
  let lastColumn = -1;
  for (let row = start - 1; row < end; row++) {
    const cells = rows[row] ?? [];
    for (let column = cells.length - 1; column > lastColumn; column--) {
      if (cellText(cells[column]) !== '') {
        lastColumn = column;
        break;
      }
    }
  }
  if (lastColumn < 0) return '(no values in these rows)';
  const width = Math.min(lastColumn + 1, MAX_COLUMNS);
  const header = ['', ...Array.from({ length: width }, (_, column) => XLSX.utils.encode_col(column))];
  const body: string[][] = [];
  for (let row = start - 1; row < end; row++) {
    const cells = Array.from({ length: width }, (_, column) => cellText(rows[row]?.[column]));
    if (cells.some((cell) => cell !== '')) body.push([String(row + 1), ...cells]);
  }
  const cut = lastColumn + 1 > MAX_COLUMNS ? `\n(columns after ${XLSX.utils.encode_col(MAX_COLUMNS - 1)} are not shown)` : '';
  return pipeTable([header, ...body]) + cut;
}

/** What a cell shows: its formatted value, then `(=formula)` for a formula. */
function cellText(cell: XLSX.CellObject | undefined): string {
  if (!cell) return '';
  const formula = cell.f ? `=${cell.f}` : undefined;
  if (cell.t === 'z') return formula ? `(${formula}: no saved value; the program that wrote the file did not calculate it)` : '';
  const value = cell.w ?? (cell.v instanceof Date ? cell.v.toISOString() : String(cell.v ?? ''));
  return formula ? `${value} (${formula})` : value;
}
