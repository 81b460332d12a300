import { ToolError } from '@anthropic-ai/sdk/helpers/beta/toolsets';
import type { BetaURLContext } from '@anthropic-ai/sdk/helpers/beta/toolsets';

/** The schemes the agent's browser may be sent to. */
const ALLOWED_SCHEMES = new Set(['http:', 'https:']);

/**
 * The `urlPolicy` of the browser toolset: `navigate` may open web pages (http and https) and the
 * empty page (`about:blank`), nothing else. `file:` would read the desktop's own files,
 * `javascript:` and `data:` run or show content the model wrote itself inside whatever site the
 * tab is on, and `chrome:`/`view-source:`/other `about:` pages reach the browser's settings and
 * the person's profile. The refusal says what to do instead, so the model can recover.
 *
 * This checks only what the model asks for; pages cannot leave the web either (Chromium refuses
 * to load `file:` from a web page), but this is not a sandbox on its own.
 */
export function refuseNonWebUrl(_context: BetaURLContext, url: string): void {
  const written = url.trim();
  if (written.toLowerCase() === 'about:blank') return;
  let parsed: URL;
  try {
    parsed = new URL(written);
  } catch {
    throw new ToolError(`"${shorten(written)}" is not a full web address. Write it with its scheme, such as https://example.com/.`);
  }
  if (ALLOWED_SCHEMES.has(parsed.protocol)) return;
  throw new ToolError(
    `Refused: the browser opens only http:// and https:// addresses (and about:blank), not ${parsed.protocol} ones. ` +
      'Local files, scripts in the address bar, data: URLs and the browser\'s own pages are off limits; use a web address instead.',
  );
}

function shorten(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
