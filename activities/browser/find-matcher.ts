import type { PageNode } from './page-snapshot.js';
import { nodeLine } from './page-tree.js';

/** The most matches one `find` answer lists, as the toolset's documentation promises the model. */
export const FIND_MAX_MATCHES = 20;

/** The least a match on what elements say must score: one whole word of two in the visible text. */
const MIN_CONTENT_SCORE = 1.5;

/** Words of a query that name a kind of element rather than what it says. */
const ROLE_WORDS: Record<string, readonly string[]> = {
  button: ['button'], btn: ['button'],
  link: ['link'], anchor: ['link'], hyperlink: ['link'],
  field: ['textbox', 'searchbox', 'combobox', 'spinbutton'], input: ['textbox', 'searchbox', 'combobox', 'spinbutton', 'checkbox', 'radio'],
  box: ['textbox', 'searchbox', 'checkbox'], textbox: ['textbox', 'searchbox'], textarea: ['textbox'],
  dropdown: ['combobox', 'listbox'], select: ['combobox', 'listbox'], picker: ['combobox', 'listbox'], combobox: ['combobox'], menu: ['combobox', 'listbox', 'menu', 'menuitem'],
  option: ['option'], choice: ['option', 'radio'],
  checkbox: ['checkbox'], check: ['checkbox'], tickbox: ['checkbox'], toggle: ['switch', 'checkbox'], switch: ['switch', 'checkbox'],
  radio: ['radio'], heading: ['heading'], header: ['heading', 'banner'], title: ['heading'],
  image: ['img'], picture: ['img'], icon: ['img', 'button'], logo: ['img'], img: ['img'],
  tab: ['tab'], form: ['form'], table: ['table'], list: ['list'], item: ['listitem', 'menuitem', 'option'],
  search: ['searchbox'], slider: ['slider'], dialog: ['dialog'], navigation: ['navigation'], nav: ['navigation'],
};
/** Role words that are also often what an element says ("Search", "Title"): they count as content too. */
const ALSO_CONTENT = new Set(['search', 'title', 'menu', 'option', 'header', 'check', 'select', 'list', 'item', 'tab', 'form', 'image', 'icon', 'logo']);
const STOP_WORDS = new Set(['the', 'a', 'an', 'to', 'of', 'for', 'in', 'on', 'at', 'with', 'and', 'or', 'that', 'which', 'this', 'is', 'it', 'its', 'me', 'my', 'your', 'please', 'where', 'i', 'can', 'element', 'thing', 'one', 'page']);

/** Lower-case words without accents or punctuation, plural `s` dropped ("E-mails" → e, mail). */
export function tokenize(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '')
    .map((word) => (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word));
}

interface Field {
  words: string[];
  weight: number;
}

function fieldsOf(node: PageNode): Field[] {
  const prop = (key: string) => (typeof node.props[key] === 'string' ? (node.props[key] as string) : '');
  return [
    { words: tokenize(node.name), weight: 3 },
    { words: tokenize(prop('placeholder')), weight: 2.5 },
    { words: tokenize(node.hints ?? ''), weight: 1.5 },
    { words: tokenize(node.text ?? ''), weight: 1.5 },
    { words: tokenize(prop('value')), weight: 1 },
    { words: tokenize(prop('href')), weight: 0.5 },
  ];
}

/** "addr" for "address", "pass" for "password": one word starts the other and is most of it. */
function isPrefixMatch(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.length >= 3 && long.startsWith(short) && short.length / long.length >= 0.5;
}

/** How well one query word is found in a node's fields: whole words count fully, prefixes in part. */
function wordScore(word: string, fields: Field[]): number {
  let best = 0;
  for (const field of fields) {
    for (const candidate of field.words) {
      if (candidate === word) best = Math.max(best, field.weight);
      else if (isPrefixMatch(word, candidate)) best = Math.max(best, field.weight * 0.6);
    }
  }
  return best;
}

/**
 * Scores every element with a ref against a natural-language query, by word overlap: each query
 * word found in the element's accessible name, placeholder, attributes (id, name, autocomplete),
 * visible text, value or address adds that field's weight; words that name a kind of element
 * ("button", "field", "dropdown") add a bonus when the element is of that kind instead. Phrases
 * found whole in the name, and interactive elements, rank higher. No model is involved: the
 * answer is deterministic and cheap, and the refs come from the same snapshot as `read_page`.
 */
export function findMatches(query: string, nodes: readonly PageNode[], limit = FIND_MAX_MATCHES): PageNode[] {
  const words = tokenize(query).filter((word) => !STOP_WORDS.has(word));
  const roles = new Set(words.flatMap((word) => ROLE_WORDS[word] ?? []));
  const content = words.filter((word) => !(word in ROLE_WORDS) || ALSO_CONTENT.has(word));
  const phrase = content.join(' ');

  const scored: Array<{ node: PageNode; score: number; order: number }> = [];
  nodes.forEach((node, order) => {
    if (!node.ref) return;
    const fields = fieldsOf(node);
    const matched = content.map((word) => wordScore(word, fields));
    const found = matched.filter((score) => score > 0).length;
    const roleMatch = roles.has(node.role);
    if (content.length > 0 && found === 0) return;
    if (content.length === 0 && !roleMatch) return;
    let score = content.length > 0 ? (matched.reduce((sum, value) => sum + value, 0) / content.length) * (found / content.length) * 10 : 0;
    // A stray partial match (one word of several, in a minor field) is no match at all.
    if (content.length > 0 && score < MIN_CONTENT_SCORE) return;
    if (roleMatch) score += 4;
    if (phrase.length > 0 && tokenize(node.name).join(' ').includes(phrase)) score += 5;
    if (node.interactive) score += 1;
    if (node.role === 'text') score -= 1;
    scored.push({ node, score, order });
  });
  scored.sort((a, b) => b.score - a.score || a.order - b.order);
  const best = scored[0]?.score ?? 0;
  // Weak matches next to a strong one are noise: keep those within reach of the best.
  return scored.filter((entry) => entry.score >= best * 0.35).slice(0, limit).map((entry) => entry.node);
}

/** The `find` answer: one line per match, best first, each starting with its ref. */
export function renderFindResult(query: string, matches: readonly PageNode[]): string {
  if (matches.length === 0) return `No element on the page matches "${query}". Call read_page (with filter "all" for parts outside the viewport) to see what is there.`;
  const lines = matches.map((node) => `[${node.ref}] ${nodeLine({ ...node, ref: undefined }, false)}`);
  return [`${matches.length} ${matches.length === 1 ? 'element matches' : 'elements match'} "${query}", best first:`, ...lines].join('\n');
}
