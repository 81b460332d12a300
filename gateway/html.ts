const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Makes text safe inside HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);
}

/** A `<time>` in the desktop's locale, or "never" when there is no time to show. */
export function timeHtml(iso: string | undefined, never = 'never'): string {
  if (!iso) return `<span class="muted">${escapeHtml(never)}</span>`;
  const date = new Date(iso);
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(Number.isNaN(date.getTime()) ? iso : date.toLocaleString())}</time>`;
}
