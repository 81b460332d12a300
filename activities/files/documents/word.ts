import mammoth from 'mammoth';
import type { Element, Node } from '@xmldom/xmldom';
import { DocumentRefusal } from './document-refusal.js';
import { MarkdownWriter, type ListItem } from './markdown-writer.js';
import { attribute, childElements, isText, parseXml } from './xml-tree.js';

/**
 * A Word document (.docx) as Markdown: headings, paragraphs, bulleted and numbered lists (nested)
 * and tables. mammoth reads the document's structure (its styles map Word's "Heading 1" and list
 * numbering to HTML), and its small, well-formed HTML is walked here into Markdown. Pictures
 * become `[image: alt text]`; their bytes are never read.
 */
export async function readWord(bytes: Buffer, file: string): Promise<string> {
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: bytes },
      { externalFileAccess: false, convertImage: mammoth.images.imgElement(async () => ({ src: '' })) },
    );
    html = result.value;
  } catch (error) {
    throw new DocumentRefusal(`${file} could not be read as a Word document (${(error as Error).message.slice(0, 200)}); it may be damaged.`);
  }
  const writer = new MarkdownWriter();
  blocks(parseXml(`<body>${html}</body>`, file, 'word/document.xml'), writer);
  const text = writer.toString();
  return text === '' ? `${file} has no text.` : text;
}

const HEADING = /^h([1-6])$/;

function blocks(parent: Node, writer: MarkdownWriter): void {
  for (const element of childElements(parent)) {
    const name = element.localName ?? '';
    const heading = HEADING.exec(name);
    if (heading) writer.heading(Number(heading[1]), inlineText(element));
    else if (name === 'p') writer.paragraph(inlineText(element));
    else if (name === 'ul' || name === 'ol') writer.list(listItems(element, 0));
    else if (name === 'table') writer.table(tableRows(element));
    else blocks(element, writer);
  }
}

function listItems(element: Element, depth: number): ListItem[] {
  const numbered = element.localName === 'ol';
  return childElements(element)
    .filter((item) => item.localName === 'li')
    .flatMap((item, index) => [
      { text: inlineText(item, true), depth, ...(numbered ? { number: index + 1 } : {}) },
      ...childElements(item)
        .filter((nested) => nested.localName === 'ul' || nested.localName === 'ol')
        .flatMap((nested) => listItems(nested, depth + 1)),
    ]);
}

function tableRows(table: Element): string[][] {
  const rows: string[][] = [];
  const visit = (node: Element): void => {
    for (const child of childElements(node)) {
      if (child.localName === 'tr') {
        rows.push(childElements(child).filter((cell) => cell.localName === 'td' || cell.localName === 'th').map((cell) => cellText(cell)));
      } else if (child.localName === 'thead' || child.localName === 'tbody') {
        visit(child);
      }
    }
  };
  visit(table);
  return rows;
}

/** A cell's paragraphs, one per line. */
function cellText(cell: Element): string {
  const parts = childElements(cell).map((child) => (child.localName === 'table' ? '[table]' : inlineText(child)));
  return parts.length > 0 ? parts.filter(Boolean).join('\n') : inlineText(cell);
}

/** The text of an element as one paragraph; `skipLists` leaves out a list item's nested lists. */
function inlineText(node: Node, skipLists = false): string {
  let text = '';
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (isText(child)) {
      text += child.nodeValue ?? '';
      continue;
    }
    const element = child as Element;
    const name = element.localName;
    if (name === 'br') text += '\n';
    else if (name === 'img') text += `[image${attribute(element, 'alt') ? `: ${attribute(element, 'alt')}` : ''}]`;
    else if ((name === 'ul' || name === 'ol') && skipLists) continue;
    else if (name === 'a' && /^https?:|^mailto:/.test(attribute(element, 'href') ?? '')) text += `${inlineText(element)} (${attribute(element, 'href')})`;
    else if (name === 'p' && text !== '') text += `\n${inlineText(element)}`;
    else text += inlineText(element, skipLists);
  }
  return text;
}
