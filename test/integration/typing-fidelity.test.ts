import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createX11TextTyper, type TextTyper } from '../../worker/adapters/x11-text-typer.js';
import { startTypingRecorder, startXDisplay, type TypingRecorder, type XDisplay } from '../helpers/x-display.js';

const ALL_PRINTABLE_ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
const ACCENTED = 'héllo wörld ✓ ÀÉÎÕÜ àéîõü Çç Ññ ß € — “quotes” ½';
const CJK = '日本語テキスト 中文字符 한국어 텍스트';
const EMOJI = 'done 😀 🎉 👍🏽';
const NEWLINES_AND_TABS = 'first line\n\tindented second line\nthird\n';
/** More distinct CJK characters than the keymap has unused keycodes, so bindings are recycled. */
const MANY_SYMBOLS = Array.from({ length: 120 }, (_, i) => String.fromCodePoint(0x4e00 + i * 7)).join('');

describe('typing on X11', () => {
  let x: XDisplay;
  let recorder: TypingRecorder;
  let typer: TextTyper;

  beforeAll(async () => {
    x = await startXDisplay({ width: 1280, height: 800 });
    recorder = await startTypingRecorder(x.display);
    typer = createX11TextTyper({ env: x.env });
  });

  afterAll(async () => {
    await recorder?.stop();
    await x?.stop();
  });

  /** Types each text in turn and returns exactly what the terminal received for all of them. */
  async function typeAndRead(...texts: string[]): Promise<string> {
    const before = Buffer.byteLength(await recorder.read());
    for (const text of texts) await typer.type(text);
    const all = await recorder.waitForBytes(before + Buffer.byteLength(texts.join('')));
    return Buffer.from(all).subarray(before).toString('utf8');
  }

  it('every printable ASCII character arrives intact', async () => {
    expect(await typeAndRead(ALL_PRINTABLE_ASCII)).toBe(ALL_PRINTABLE_ASCII);
  });

  it('accented letters of both cases arrive intact', async () => {
    expect(await typeAndRead(ACCENTED)).toBe(ACCENTED);
  });

  it('Japanese, Chinese and Korean text arrives intact', async () => {
    expect(await typeAndRead(CJK)).toBe(CJK);
  });

  it('emoji arrive intact', async () => {
    expect(await typeAndRead(EMOJI)).toBe(EMOJI);
  });

  it('newlines and tabs arrive as newlines and tabs', async () => {
    expect(await typeAndRead(NEWLINES_AND_TABS)).toBe(NEWLINES_AND_TABS);
  });

  it('more distinct symbols than free keys still arrive intact, in order', async () => {
    expect(await typeAndRead(MANY_SYMBOLS)).toBe(MANY_SYMBOLS);
  });

  it('a whole session of all of the above, one after another, arrives byte for byte', async () => {
    const session = [ALL_PRINTABLE_ASCII, ACCENTED, CJK, EMOJI, NEWLINES_AND_TABS, MANY_SYMBOLS, ALL_PRINTABLE_ASCII];
    expect(Buffer.from(await typeAndRead(...session))).toEqual(Buffer.from(session.join('')));
  });
});
