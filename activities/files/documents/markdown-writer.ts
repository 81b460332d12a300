/**
 * The text a document becomes for the model: Markdown, the structure models read best. Headings
 * as `#`, lists as `-` and `1.`, tables as pipe tables. Word, OpenDocument and slide readers all
 * write through this one writer, so every kind reads alike.
 */
export interface ListItem {
  text: string;
  depth: number;
  number?: number;
}

export class MarkdownWriter {
  private readonly blocks: string[] = [];

  heading(level: number, text: string): void {
    const clean = inline(text);
    if (clean) this.blocks.push(`${'#'.repeat(Math.min(6, Math.max(1, level)))} ${clean}`);
  }

  paragraph(text: string): void {
    const clean = text.split('\n').map(inline).filter(Boolean).join('\n');
    if (clean) this.blocks.push(clean);
  }

  /** One list, its items in order; `depth` 0 is the outer level, `number` set for numbered items. */
  list(items: ReadonlyArray<ListItem>): void {
    const lines = items.map(({ text, depth, number }) => `${'  '.repeat(depth)}${number === undefined ? '-' : `${number}.`} ${inline(text)}`);
    if (lines.length > 0) this.blocks.push(lines.join('\n'));
  }

  table(rows: string[][]): void {
    if (rows.length === 0) return;
    this.blocks.push(pipeTable(rows));
  }

  /** A line as it is, for a caller's own separators (`## Slide 2`). */
  raw(text: string): void {
    this.blocks.push(text);
  }

  toString(): string {
    return this.blocks.join('\n\n');
  }
}

/** Rows as a Markdown pipe table, the first row its header; cells padded to the widest row. */
export function pipeTable(rows: string[][]): string {
  const width = Math.max(...rows.map((row) => row.length));
  const line = (row: string[]) => `| ${Array.from({ length: width }, (_, index) => tableCell(row[index] ?? '')).join(' | ')} |`;
  const [header, ...body] = rows;
  return [line(header!), `|${' --- |'.repeat(width)}`, ...body.map(line)].join('\n');
}

/** Cell text on one line: pipes escaped, line breaks shown as ↵, very long text cut. */
export function tableCell(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ↵ ').replace(/\|/g, '\\|').trim();
  return flat.length > 1000 ? `${flat.slice(0, 999)}…` : flat;
}

function inline(text: string): string {
  return text.replace(/[ \t\u00a0]+/g, ' ').trim();
}
