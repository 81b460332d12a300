import { ToolError } from '@anthropic-ai/sdk/helpers/beta/toolsets';
import type { ElementHandle, Page } from 'playwright-core';

/** One element (or run of text) of a page as the model reads it; `depth` counts listed ancestors. */
export interface PageNode {
  ref?: string;
  role: string;
  name: string;
  depth: number;
  interactive: boolean;
  /** Short visible text inside the element, when its name does not already say it. */
  text?: string;
  /** value, placeholder, checked, selected, disabled, required, href, level, type, expanded. */
  props: Record<string, string | number | boolean>;
  /** Words from attributes a person does not read but a query may use: id, name, autocomplete. */
  hints?: string;
}

export interface PageSnapshot {
  nodes: PageNode[];
  /** Listable elements left out because they are outside the viewport (filter other than "all"). */
  outside: number;
  /** The snapshot hit its node limit. */
  truncated: boolean;
  /** A subtree was asked for by a ref that no longer names an element. */
  stale?: boolean;
}

export type SnapshotFilter = 'visible' | 'interactive' | 'all';

/**
 * Runs in the page. It is written as source text (not a function Playwright serialises) because
 * the TypeScript loader may wrap named functions in helpers that do not exist inside the page.
 * Refs live in a per-document registry on `window`: an element keeps its ref for as long as it is
 * in the document, and a new document (navigation) starts afresh, so old refs fail loudly.
 */
const SNAPSHOT_SOURCE = String.raw`(options) => {
  const store = window[Symbol.for('opendispatch.refs')] ||= { byRef: new Map(), byElement: new WeakMap(), next: 0 };
  const refOf = (el) => {
    let ref = store.byElement.get(el);
    if (!ref) { ref = 'ref_' + (++store.next); store.byElement.set(el, ref); store.byRef.set(ref, new WeakRef(el)); }
    return ref;
  };
  const clean = (text, limit) => { const t = (text || '').replace(/\s+/g, ' ').trim(); return t.length > limit ? t.slice(0, limit) + '…' : t; };
  const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'HEAD', 'META', 'LINK', 'IFRAME', 'OBJECT']);
  const INTERACTIVE_ROLES = new Set(['button', 'link', 'checkbox', 'radio', 'textbox', 'searchbox', 'combobox', 'listbox', 'option', 'menuitem', 'menuitemcheckbox', 'menuitemradio', 'tab', 'switch', 'slider', 'spinbutton', 'treeitem']);
  const NAMED_FROM_CONTENT = new Set(['button', 'link', 'heading', 'option', 'tab', 'menuitem', 'menuitemcheckbox', 'menuitemradio', 'treeitem', 'cell', 'columnheader', 'rowheader', 'label', 'legend', 'caption', 'summary']);
  const LEAF_ROLES = new Set(['button', 'link', 'heading', 'option', 'tab', 'menuitem', 'textbox', 'searchbox', 'img', 'checkbox', 'radio', 'switch', 'slider', 'spinbutton']);
  const INPUT_ROLES = { button: 'button', submit: 'button', reset: 'button', image: 'button', checkbox: 'checkbox', radio: 'radio', range: 'slider', number: 'spinbutton', search: 'searchbox', email: 'textbox', tel: 'textbox', text: 'textbox', url: 'textbox', password: 'textbox', file: 'button', color: 'button' };
  const TAG_ROLES = { A: 'link', BUTTON: 'button', SELECT: 'combobox', TEXTAREA: 'textbox', OPTION: 'option', IMG: 'img', NAV: 'navigation', MAIN: 'main', HEADER: 'banner', FOOTER: 'contentinfo', ASIDE: 'complementary', FORM: 'form', TABLE: 'table', TR: 'row', TD: 'cell', TH: 'columnheader', UL: 'list', OL: 'list', LI: 'listitem', DIALOG: 'dialog', SUMMARY: 'button', DETAILS: 'group', FIELDSET: 'group', LEGEND: 'legend', LABEL: 'label', P: 'paragraph', H1: 'heading', H2: 'heading', H3: 'heading', H4: 'heading', H5: 'heading', H6: 'heading', ARTICLE: 'article', SECTION: 'region', PROGRESS: 'progressbar', HR: 'separator', CAPTION: 'caption' };
  const roleOf = (el) => {
    const explicit = (el.getAttribute('role') || '').trim().split(/\s+/)[0];
    if (explicit) return explicit;
    if (el.tagName === 'A') return el.hasAttribute('href') ? 'link' : '';
    if (el.tagName === 'INPUT') return el.type === 'hidden' ? '' : (INPUT_ROLES[el.type] || 'textbox');
    if (el.tagName === 'SELECT' && (el.multiple || el.size > 1)) return 'listbox';
    if (el.isContentEditable && el.getAttribute('contenteditable') !== null) return 'textbox';
    return TAG_ROLES[el.tagName] || '';
  };
  const byIds = (ids) => ids.split(/\s+/).map((id) => document.getElementById(id)).filter(Boolean).map((n) => n.textContent).join(' ');
  const nameOf = (el, role) => {
    const labelledBy = el.getAttribute('aria-labelledby');
    if (labelledBy) { const n = clean(byIds(labelledBy), 150); if (n) return n; }
    const aria = clean(el.getAttribute('aria-label'), 150);
    if (aria) return aria;
    if (el.labels && el.labels.length) { const n = clean([...el.labels].map((l) => l.innerText || l.textContent).join(' '), 150); if (n) return n; }
    if (el.tagName === 'INPUT' && ['submit', 'button', 'reset'].includes(el.type)) return clean(el.value || (el.type === 'submit' ? 'Submit' : el.type === 'reset' ? 'Reset' : ''), 150);
    if (el.tagName === 'IMG' || (el.tagName === 'INPUT' && el.type === 'image')) return clean(el.getAttribute('alt'), 150);
    if (NAMED_FROM_CONTENT.has(role)) { const n = clean(el.innerText || el.textContent, 150); if (n) return n; }
    return clean(el.getAttribute('title'), 150);
  };
  const isInteractive = (el, role) => INTERACTIVE_ROLES.has(role) || el.hasAttribute('onclick') || (el.tabIndex >= 0 && el.hasAttribute('tabindex') && el.getAttribute('tabindex') !== '-1');
  const propsOf = (el, role) => {
    const p = {};
    if (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') {
      if (el.type !== 'checkbox' && el.type !== 'radio' && el.value && !['submit', 'button', 'reset'].includes(el.type)) p.value = el.type === 'password' ? '••••' : clean(el.value, 200);
      if (el.placeholder) p.placeholder = clean(el.placeholder, 100);
      if (el.type === 'checkbox' || el.type === 'radio') p.checked = el.checked;
      if (el.tagName === 'INPUT' && !['text', 'checkbox', 'radio', 'submit', 'button'].includes(el.type)) p.type = el.type;
    }
    if (el.tagName === 'SELECT') { const chosen = [...el.selectedOptions].map((o) => clean(o.label || o.text, 80)).join(', '); if (chosen) p.value = chosen; if (el.multiple) p.multiple = true; }
    if (el.tagName === 'OPTION' && el.selected) p.selected = true;
    if (el.disabled) p.disabled = true;
    if (el.required) p.required = true;
    if (role === 'link' && el.href) p.href = clean(el.href, 200);
    if (role === 'heading') p.level = Number(el.getAttribute('aria-level')) || Number(el.tagName.slice(1)) || 2;
    const expanded = el.getAttribute('aria-expanded');
    if (expanded) p.expanded = expanded === 'true';
    const checked = el.getAttribute('aria-checked');
    if (checked && p.checked === undefined) p.checked = checked === 'true';
    return p;
  };
  const hidden = (el) => el.hidden || el.getAttribute('aria-hidden') === 'true' || (el.checkVisibility && !el.checkVisibility({ visibilityProperty: true, opacityProperty: false }));
  const inViewport = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth; };
  const nodes = []; let outside = 0; let truncated = false;
  const emit = (node) => { if (nodes.length >= options.maxNodes) { truncated = true; return false; } nodes.push(node); return true; };
  const walk = (el, depth) => {
    if (truncated || depth > options.maxDepth || SKIP.has(el.tagName) || (el.tagName !== 'OPTION' && hidden(el))) return;
    const role = roleOf(el);
    const interactive = isInteractive(el, role);
    const listable = options.filter === 'interactive' ? interactive : interactive || (role && role !== 'generic' && role !== 'none' && role !== 'presentation');
    let childDepth = depth;
    let listed = false;
    if (listable) {
      if (options.filter !== 'all' && !inViewport(el) && el.tagName !== 'OPTION') outside++;
      else {
        const name = nameOf(el, role);
        const node = { ref: refOf(el), role, name, depth, interactive, props: propsOf(el, role) };
        if (options.withText && !NAMED_FROM_CONTENT.has(role)) { const t = clean(el.innerText, 150); if (t && t !== name) node.text = t; }
        const hints = [el.id, el.getAttribute('name'), el.getAttribute('autocomplete')].filter(Boolean).join(' ');
        if (hints) node.hints = hints;
        if (!emit(node)) return;
        childDepth = depth + 1; listed = true;
      }
    }
    if (el.tagName === 'SELECT') { if (listed) for (const o of [...el.options].slice(0, 50)) walk(o, childDepth); return; }
    if (listed && LEAF_ROLES.has(role)) return;
    const kids = el.shadowRoot ? [...el.shadowRoot.childNodes, ...el.childNodes] : [...el.childNodes];
    for (const child of kids) {
      if (child.nodeType === 1) walk(child, childDepth);
      else if (child.nodeType === 3 && options.filter !== 'interactive') {
        const text = clean(child.textContent, 300);
        if (!text || childDepth > options.maxDepth) continue;
        if (options.filter !== 'all' && !inViewport(el)) continue;
        if (!emit(listed ? { role: 'text', name: text, depth: childDepth, interactive: false, props: {} } : { ref: refOf(el), role: 'text', name: text, depth: childDepth, interactive: false, props: {} })) return;
      }
    }
  };
  let root = document.body || document.documentElement;
  if (options.rootRef) {
    const held = store.byRef.get(options.rootRef);
    root = held && held.deref();
    if (!root || !root.isConnected) return { nodes: [], outside: 0, truncated: false, stale: true };
  }
  if (root) walk(root, 0);
  return { nodes, outside, truncated };
}`;

const RESOLVE_SOURCE = String.raw`(ref) => {
  const store = window[Symbol.for('opendispatch.refs')];
  const el = store && store.byRef.get(ref) && store.byRef.get(ref).deref();
  return el && el.isConnected ? el : null;
}`;

/** The page's elements as the model reads them, with refs it can act on. */
export async function snapshotPage(
  page: Page,
  options: { filter: SnapshotFilter; maxDepth: number; rootRef?: string; withText?: boolean; maxNodes?: number },
): Promise<PageSnapshot> {
  const args = { filter: options.filter, maxDepth: options.maxDepth, rootRef: options.rootRef ?? null, withText: options.withText ?? false, maxNodes: options.maxNodes ?? 5000 };
  return page.evaluate(`(${SNAPSHOT_SOURCE})(${JSON.stringify(args)})`) as Promise<PageSnapshot>;
}

/** What the model reads when a ref it kept no longer names anything in the tab. */
export function staleRefError(ref: string): ToolError {
  return new ToolError(`${ref} is no longer on this page (it changed or navigated since the ref was read). Call read_page or find again for fresh refs.`);
}

/** The element a ref names in the page's current document, or a {@link ToolError} if it is gone. */
export async function elementForRef(page: Page, ref: string): Promise<ElementHandle<Element>> {
  const handle = await page.evaluateHandle(`(${RESOLVE_SOURCE})(${JSON.stringify(ref)})`);
  const element = handle.asElement() as ElementHandle<Element> | null;
  if (!element) {
    await handle.dispose();
    throw staleRefError(ref);
  }
  return element;
}
