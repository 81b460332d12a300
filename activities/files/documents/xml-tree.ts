import { DOMParser, type Element, type Node } from '@xmldom/xmldom';
import { DocumentRefusal } from './document-refusal.js';

/**
 * The little XML walking the document readers share. xmldom never fetches external entities or
 * DTDs, so a document's XML can name no file or address to read.
 */

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;

/** Parses a document part; a malformed part is a refusal naming the file. */
export function parseXml(xml: string, file: string, part: string): Element {
  try {
    const root = new DOMParser().parseFromString(xml, 'text/xml').documentElement;
    if (!root) throw new Error('no root element');
    return root;
  } catch (error) {
    throw new DocumentRefusal(`${file} is damaged: its part ${part} is not well-formed XML (${(error as Error).message.split('\n')[0]?.slice(0, 120)}).`);
  }
}

/** The element children of a node. */
export function childElements(node: Node): Element[] {
  const found: Element[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === ELEMENT_NODE) found.push(child as Element);
  }
  return found;
}

/** The first descendant (depth first) with this local name. */
export function firstDescendant(node: Node, localName: string): Element | undefined {
  for (const child of childElements(node)) {
    if (child.localName === localName) return child;
    const deeper = firstDescendant(child, localName);
    if (deeper) return deeper;
  }
  return undefined;
}

/** Every descendant with this local name, in document order. */
export function descendants(node: Node, localName: string): Element[] {
  const found: Element[] = [];
  const visit = (parent: Node): void => {
    for (const child of childElements(parent)) {
      if (child.localName === localName) found.push(child);
      visit(child);
    }
  };
  visit(node);
  return found;
}

/** An attribute by its local name, whatever its prefix (`text:outline-level`, `r:id`). */
export function attribute(element: Element, localName: string): string | undefined {
  for (let index = 0; index < element.attributes.length; index++) {
    const item = element.attributes.item(index);
    if (item && item.localName === localName) return item.value;
  }
  return undefined;
}

/** An OOXML element's `r:id`: the id attribute in a relationships namespace (plain `id` is another). */
export function relationshipId(element: Element): string | undefined {
  for (let index = 0; index < element.attributes.length; index++) {
    const item = element.attributes.item(index);
    if (item && item.localName === 'id' && /relationships/.test(item.namespaceURI ?? '')) return item.value;
  }
  return undefined;
}

/** Whether a node is text (or CDATA); its value is then `nodeValue`. */
export function isText(node: Node): boolean {
  return node.nodeType === TEXT_NODE || node.nodeType === CDATA_SECTION_NODE;
}
