import { pathToFileURL } from 'node:url';
import { startTypingRecorder, startXDisplay } from '../test/helpers/x-display.js';
import { createX11TextTyper } from '../worker/adapters/x11-text-typer.js';
import { withResources } from './cleanup.js';

const PRINTABLE_ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
const PROSE =
  'Dear team,\n\tthe quarterly report (Q3/2025) is attached: revenue grew 12.5% to $4,210,000; ' +
  'costs fell by 3%. Questions? Email ops@example.com or see https://example.com/r?id=42&view=full#top.\n' +
  'Café, naïve, façade, Ærøskøbing, São Paulo, Zürich, ¿qué tal?, «ça va», Dvořák — “quoted” ✓ 😀\n' +
  '日本語テキストと中文字符 and {braces} [brackets] <angles> |pipes| ~tilde^ `ticks` "double" \'single\'\n';

/** About 1000 characters: all printable ASCII, prose, accents, a little CJK and an emoji. */
export function benchmarkText(): string {
  let text = PRINTABLE_ASCII + '\n';
  while ([...text].length + [...PROSE].length <= 1000) text += PROSE;
  return text;
}

/**
 * Types ~1000 characters into a terminal on a private Xvfb and returns characters per second,
 * after checking that what arrived is exactly what was typed (a fast but wrong typer scores 0 by
 * throwing instead).
 */
export async function measureTypingCharsPerSecond(): Promise<number> {
  return withResources(async (defer) => {
    const x = await startXDisplay({ width: 1280, height: 800 });
    defer('the X display', () => x.stop());
    const recorder = await startTypingRecorder(x.display);
    defer('the typing recorder', () => recorder.stop());
    const typer = createX11TextTyper({ env: x.env });
    const text = benchmarkText();
    const started = performance.now();
    await typer.type(text);
    const seconds = (performance.now() - started) / 1000;
    const received = await recorder.waitForBytes(Buffer.byteLength(text));
    if (received !== text) {
      throw new Error(`typed text arrived altered: expected ${JSON.stringify(text)}, got ${JSON.stringify(received)}`);
    }
    return [...text].length / seconds;
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const cps = await measureTypingCharsPerSecond();
  console.log(`typing: ${Math.round(cps)} characters per second, exact`);
}
