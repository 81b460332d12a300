import type { PageNode, PageSnapshot } from './page-snapshot.js';

/** The most a `read_page` answer holds, as the toolset's documentation promises the model. */
export const READ_PAGE_MAX_CHARS = 50_000;

/** `key=value` pairs of a node's state, in a fixed order, quoted when they are text. */
export function describeProps(props: PageNode['props']): string {
  return Object.entries(props)
    .map(([key, value]) => (typeof value === 'string' ? `${key}=${JSON.stringify(value)}` : value === true ? key : `${key}=${String(value)}`))
    .join(' ');
}

/** One node as a line: `textbox "Email" [ref_4] placeholder="you@example.com"`. */
export function nodeLine(node: PageNode, indent = true): string {
  const parts = [node.role];
  if (node.name) parts.push(JSON.stringify(node.name));
  if (node.ref) parts.push(`[${node.ref}]`);
  const props = describeProps(node.props);
  if (props) parts.push(props);
  if (node.text) parts.push(`text=${JSON.stringify(node.text)}`);
  return `${indent ? '  '.repeat(node.depth) : ''}${parts.join(' ')}`;
}

/**
 * The `read_page` answer: a header naming the page, the tree one element per line, indented by
 * depth, each with the ref the other members take; then what was left out and how to get it.
 * Cut on a line boundary at {@link READ_PAGE_MAX_CHARS}, saying so.
 */
export function renderPageTree(page: { title: string; url: string }, snapshot: PageSnapshot, options: { filter: string; ref?: string }): string {
  const header = `Page: ${page.title || '(untitled)'} — ${page.url}${options.ref ? ` (the part under ${options.ref})` : ''}`;
  const notes: string[] = [];
  if (snapshot.outside > 0 && options.filter !== 'all') {
    notes.push(`(${snapshot.outside} more elements are outside the viewport; use filter "all" or scroll to see them.)`);
  }
  if (snapshot.truncated) notes.push('(The page has more elements than one answer holds; read a part with ref, or use filter "interactive".)');
  const body = snapshot.nodes.length === 0 ? [options.filter === 'interactive' ? '(no interactive elements in view)' : '(nothing visible)'] : snapshot.nodes.map((node) => nodeLine(node));
  const footer = notes.join('\n');
  const budget = READ_PAGE_MAX_CHARS - header.length - footer.length - 200;
  const kept: string[] = [];
  let used = 0;
  for (const line of body) {
    if (used + line.length + 1 > budget) {
      kept.push(`… (cut at ${READ_PAGE_MAX_CHARS.toLocaleString('en-US')} characters: read a part with ref, a smaller depth, or filter "interactive")`);
      break;
    }
    kept.push(line);
    used += line.length + 1;
  }
  return [header, ...kept, ...(footer ? [footer] : [])].join('\n');
}

/** Text cut to `limit` characters, saying how much was left out. */
export function capText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, limit)}\n… (cut: ${(text.length - limit).toLocaleString('en-US')} more characters)`;
}
