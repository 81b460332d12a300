import path from 'node:path';
import type { Element } from '@xmldom/xmldom';
import { DocumentRefusal } from './document-refusal.js';
import { MarkdownWriter } from './markdown-writer.js';
import { attribute, childElements, descendants, firstDescendant, parseXml, relationshipId } from './xml-tree.js';
import type { ZipArchive } from './zip-guard.js';

/**
 * A PowerPoint deck (.pptx) as Markdown, slide by slide in the deck's order (presentation.xml's
 * slide list, not the part names): each slide's title as its heading, its text boxes and bullet
 * points, its tables, and the speaker notes.
 */
export function readSlides(zip: ZipArchive, file: string): string {
  const xml = (part: string): Element | undefined => {
    const bytes = zip.read(part);
    return bytes ? parseXml(bytes.toString('utf8'), file, part) : undefined;
  };
  const presentation = xml('ppt/presentation.xml');
  if (!presentation) throw new DocumentRefusal(`${file} is damaged or not a PowerPoint deck (it has no ppt/presentation.xml).`);
  const targets = relationships(xml, 'ppt/presentation.xml');
  const slideParts = descendants(presentation, 'sldId').flatMap((slide) => targets.get(relationshipId(slide) ?? '')?.target ?? []);

  const writer = new MarkdownWriter();
  slideParts.forEach((part, index) => {
    const slide = xml(part);
    if (!slide) return;
    const title = descendants(slide, 'sp').find((shape) => /^(title|ctrTitle)$/.test(placeholderType(shape) ?? ''));
    const titleText = title ? paragraphs(title).join(' ') : '';
    writer.raw(`## Slide ${index + 1}${titleText ? `: ${titleText}` : ''}`);
    const tree = firstDescendant(slide, 'spTree');
    if (tree) shapes(tree, writer, title);
    const notes = [...relationships(xml, part).values()].find((link) => link.type.endsWith('/notesSlide'));
    const notesSlide = notes ? xml(notes.target) : undefined;
    const body = notesSlide ? descendants(notesSlide, 'sp').find((shape) => placeholderType(shape) === 'body') : undefined;
    const noteText = body ? paragraphs(body).join('\n') : '';
    if (noteText) writer.paragraph(`Notes: ${noteText}`);
  });
  const text = writer.toString();
  return text === '' ? `${file} has no slides.` : text;
}

/** The Id → target part (resolved) and type of a part's relationships. */
function relationships(xml: (part: string) => Element | undefined, part: string): Map<string, { target: string; type: string }> {
  const rels = xml(path.posix.join(path.posix.dirname(part), '_rels', `${path.posix.basename(part)}.rels`));
  const links = new Map<string, { target: string; type: string }>();
  for (const link of rels ? descendants(rels, 'Relationship') : []) {
    const target = attribute(link, 'Target') ?? '';
    if (attribute(link, 'TargetMode') === 'External') continue;
    const resolved = target.startsWith('/') ? target.slice(1) : path.posix.normalize(path.posix.join(path.posix.dirname(part), target));
    links.set(attribute(link, 'Id') ?? '', { target: resolved, type: attribute(link, 'Type') ?? '' });
  }
  return links;
}

function placeholderType(shape: Element): string | undefined {
  const placeholder = firstDescendant(shape, 'ph');
  return placeholder ? (attribute(placeholder, 'type') ?? 'body') : undefined;
}

/** Shapes in drawing order: text, bullet points of body placeholders, tables, picture descriptions. */
function shapes(tree: Element, writer: MarkdownWriter, skip: Element | undefined): void {
  for (const shape of childElements(tree)) {
    if (shape === skip) continue;
    switch (shape.localName) {
      case 'sp': {
        const type = placeholderType(shape);
        const lines = paragraphLevels(shape);
        if (type === 'body' || type === 'obj') writer.list(lines.map(({ text, level }) => ({ text, depth: level })));
        else lines.forEach(({ text }) => writer.paragraph(text));
        break;
      }
      case 'graphicFrame': {
        const table = firstDescendant(shape, 'tbl');
        if (table) writer.table(descendants(table, 'tr').map((row) => childElements(row).filter((cell) => cell.localName === 'tc').map((cell) => paragraphs(cell).join('\n'))));
        break;
      }
      case 'pic': {
        const description = attribute(firstDescendant(shape, 'cNvPr') ?? shape, 'descr');
        writer.paragraph(`[picture${description ? `: ${description}` : ''}]`);
        break;
      }
      case 'grpSp':
        shapes(shape, writer, skip);
        break;
    }
  }
}

function paragraphs(shape: Element): string[] {
  return paragraphLevels(shape).map((paragraph) => paragraph.text);
}

/** The shape's non-empty paragraphs: text runs, fields and line breaks, with their indent level. */
function paragraphLevels(shape: Element): Array<{ text: string; level: number }> {
  return descendants(shape, 'p')
    .filter((paragraph) => paragraph.namespaceURI?.includes('drawingml'))
    .map((paragraph) => {
      let text = '';
      for (const part of childElements(paragraph)) {
        if (part.localName === 'r' || part.localName === 'fld') text += firstDescendant(part, 't')?.textContent ?? '';
        else if (part.localName === 'br') text += '\n';
      }
      const properties = childElements(paragraph).find((part) => part.localName === 'pPr');
      return { text: text.trim(), level: Math.min(8, Number((properties && attribute(properties, 'lvl')) ?? 0)) };
    })
    .filter((paragraph) => paragraph.text !== '');
}
