import { describe, expect, it } from 'vitest';
import { findMatches, FIND_MAX_MATCHES, renderFindResult, tokenize } from '../../activities/browser/find-matcher.js';
import type { PageNode } from '../../activities/browser/page-snapshot.js';

let next = 0;
const node = (role: string, name: string, extra: Partial<PageNode> = {}): PageNode => ({
  ref: `ref_${++next}`,
  role,
  name,
  depth: 0,
  interactive: ['button', 'link', 'textbox', 'combobox', 'checkbox', 'searchbox'].includes(role),
  props: {},
  ...extra,
});

/** A checkout page as the snapshot lists it. */
const page: PageNode[] = [
  node('heading', 'Checkout', { props: { level: 1 } }),
  node('link', 'Home', { props: { href: 'https://shop.example/' } }),
  node('searchbox', 'Search products', { props: { placeholder: 'Search' } }),
  node('textbox', 'Full name', { props: { placeholder: 'Jane Doe' }, hints: 'name' }),
  node('textbox', '', { props: { placeholder: 'you@example.com', type: 'email' }, hints: 'email autocomplete' }),
  node('combobox', 'Country', { props: { value: 'France' }, text: 'France Germany Italy' }),
  node('checkbox', 'Subscribe to the newsletter', { props: { checked: false } }),
  node('button', 'Place order'),
  node('button', 'Cancel'),
  node('paragraph', '', { text: 'Your order ships in 2 days' }),
  { role: 'text', name: 'Terms apply', depth: 1, interactive: false, props: {} },
];
const refOf = (name: string) => page.find((candidate) => candidate.name === name)!.ref;

describe('find: matching a description against the page', () => {
  it('reads words without case, accents, punctuation or plural s', () => {
    expect(tokenize('E-mail Adresses, Café!')).toEqual(['e', 'mail', 'adresse', 'cafe']);
  });

  it('finds a field by its label, its placeholder, or an attribute a person never sees', () => {
    expect(findMatches('full name field', page)[0]!.ref).toBe(refOf('Full name'));
    expect(findMatches('the email address input', page)[0]!.props.placeholder).toBe('you@example.com');
    expect(findMatches('Jane Doe', page)[0]!.ref).toBe(refOf('Full name'));
  });

  it('uses words that name a kind of element to pick among elements that say the same thing', () => {
    expect(findMatches('search box', page)[0]!.ref).toBe(refOf('Search products'));
    expect(findMatches('country dropdown', page)[0]!.ref).toBe(refOf('Country'));
    expect(findMatches('newsletter checkbox', page)[0]!.ref).toBe(refOf('Subscribe to the newsletter'));
  });

  it('ranks the element whose name holds the whole phrase first', () => {
    const matches = findMatches('place order button', page);
    expect(matches[0]!.ref).toBe(refOf('Place order'));
    expect(matches.map((match) => match.ref)).not.toContain(refOf('Home'));
  });

  it('finds elements by their visible text and lists only elements with refs', () => {
    expect(findMatches('ships in 2 days', page)[0]!.text).toBe('Your order ships in 2 days');
    expect(findMatches('terms apply', page)).toEqual([]);
  });

  it('lists every element of a kind when the description names only the kind', () => {
    expect(findMatches('buttons', page).map((match) => match.name)).toEqual(['Place order', 'Cancel']);
  });

  it('finds nothing for words the page does not have, and says what to do', () => {
    expect(findMatches('shopping cart', page)).toEqual([]);
    expect(renderFindResult('shopping cart', [])).toMatch(/No element on the page matches "shopping cart".*read_page/);
  });

  it(`answers at most ${FIND_MAX_MATCHES} matches, each line starting with its ref`, () => {
    const many = Array.from({ length: 30 }, (_, index) => node('link', `Product ${index + 1}`));
    const matches = findMatches('product link', many);
    expect(matches).toHaveLength(FIND_MAX_MATCHES);
    const lines = renderFindResult('product link', matches).split('\n');
    expect(lines[0]).toBe(`${FIND_MAX_MATCHES} elements match "product link", best first:`);
    expect(lines[1]).toMatch(/^\[ref_\d+\] link "Product 1"$/);
  });
});
