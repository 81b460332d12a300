import type { Element, Node } from '@xmldom/xmldom';
import { DocumentRefusal } from './document-refusal.js';
import { MarkdownWriter, type ListItem } from './markdown-writer.js';
import { attribute, childElements, descendants, firstDescendant, isText, parseXml } from './xml-tree.js';
import type { ZipArchive } from './zip-guard.js';

/**
 * An OpenDocument text (.odt, LibreOffice Writer) as Markdown, from its content.xml: headings
 * (`text:h` and their outline level), paragraphs, lists (numbered when their list style numbers
 * them), and tables (`table:number-columns-repeated` honoured, within reason).
 */
export function readOdt(zip: ZipArchive, file: string): string {
  const content = zip.read('content.xml');
  if (!content) throw new DocumentRefusal(`${file} is damaged or not an OpenDocument text (it has no content.xml).`);
  const root = parseXml(content.toString('utf8'), file, 'content.xml');
  const styles = zip.read('styles.xml');
  const numbered = numberedListStyles([root, ...(styles ? [parseXml(styles.toString('utf8'), file, 'styles.xml')] : [])]);
  const office = firstDescendant(root, 'body');
  const body = office && childElements(office).find((child) => child.localName === 'text');
  const writer = new MarkdownWriter();
  if (body) blocks(body, writer, numbered);
  const text = writer.toString();
  return text === '' ? `${file} has no text.` : text;
}

/** Names of list styles whose first level is numbered rather than bulleted. */
function numberedListStyles(roots: Element[]): Set<string> {
  const names = new Set<string>();
  for (const root of roots) {
    for (const style of descendants(root, 'list-style')) {
      const first = childElements(style)[0];
      const name = attribute(style, 'name');
      if (name && first?.localName === 'list-level-style-number') names.add(name);
    }
  }
  return names;
}

function blocks(parent: Node, writer: MarkdownWriter, numbered: Set<string>): void {
  for (const element of childElements(parent)) {
    switch (element.localName) {
      case 'h':
        writer.heading(Number(attribute(element, 'outline-level') ?? 1), inlineText(element));
        break;
      case 'p':
        writer.paragraph(inlineText(element));
        break;
      case 'list':
        writer.list(listItems(element, numbered, 0, numbered.has(attribute(element, 'style-name') ?? '')));
        break;
      case 'table':
        writer.table(tableRows(element));
        break;
      case 'tracked-changes':
      case 'sequence-decls':
      case 'variable-decls':
        break;
      default:
        blocks(element, writer, numbered);
    }
  }
}

function listItems(element: Element, numbered: Set<string>, depth: number, isNumbered: boolean): ListItem[] {
  const items: ListItem[] = [];
  let number = 0;
  for (const item of childElements(element)) {
    if (item.localName !== 'list-item' && item.localName !== 'list-header') continue;
    const text = childElements(item)
      .filter((child) => child.localName === 'p' || child.localName === 'h')
      .map((child) => inlineText(child))
      .join('\n');
    if (text.trim() !== '') items.push({ text, depth, ...(isNumbered ? { number: ++number } : {}) });
    for (const nested of childElements(item)) {
      // A nested list without a style of its own continues its parent's.
      const style = attribute(nested, 'style-name');
      if (nested.localName === 'list') items.push(...listItems(nested, numbered, depth + 1, style ? numbered.has(style) : isNumbered));
    }
  }
  return items;
}

/** Repeated empty cells and rows (a table padded to the sheet's edge) are not spelled out. */
const MAX_REPEAT = 50;

function tableRows(table: Element): string[][] {
  const rows: string[][] = [];
  const visit = (node: Element): void => {
    for (const child of childElements(node)) {
      if (child.localName === 'table-row') {
        const cells: string[] = [];
        for (const cell of childElements(child)) {
          if (cell.localName !== 'table-cell' && cell.localName !== 'covered-table-cell') continue;
          const text = childElements(cell).map((part) => inlineText(part)).filter(Boolean).join('\n');
          const repeat = Math.min(Number(attribute(cell, 'number-columns-repeated') ?? 1), text ? MAX_REPEAT : 1);
          for (let index = 0; index < repeat; index++) cells.push(text);
        }
        while (cells.length > 0 && cells.at(-1) === '') cells.pop();
        if (cells.length > 0) rows.push(cells);
      } else if (child.localName === 'table-header-rows' || child.localName === 'table-rows' || child.localName === 'table-row-group') {
        visit(child);
      }
    }
  };
  visit(table);
  return rows;
}

function inlineText(node: Node): string {
  let text = '';
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (isText(child)) {
      text += child.nodeValue ?? '';
      continue;
    }
    const element = child as Element;
    switch (element.localName) {
      case 's':
        text += ' '.repeat(Math.min(100, Number(attribute(element, 'c') ?? 1)));
        break;
      case 'tab':
        text += '\t';
        break;
      case 'line-break':
        text += '\n';
        break;
      case 'image':
        text += '[image]';
        break;
      case 'annotation':
      case 'note-citation':
        break;
      default:
        text += inlineText(element);
    }
  }
  return text;
}
