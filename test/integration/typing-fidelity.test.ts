import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createX11TextTyper, type TextTyper } from '../../worker/adapters/x11-text-typer.js';
import { startTypingRecorder, startXDisplay, type TypingRecorder, type XDisplay } from '../helpers/x-display.js';

const ALL_PRINTABLE_ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

describe('typing on X11', () => {
  let x: XDisplay;
  let recorder: TypingRecorder;
  let typer: TextTyper;
  let expected = '';

  beforeAll(async () => {
    x = await startXDisplay({ width: 1280, height: 800 });
    recorder = await startTypingRecorder(x.display);
    typer = createX11TextTyper({ env: x.env });
  });

  afterAll(async () => {
    await recorder?.stop();
    await x?.stop();
  });

  /** Types `text` and returns exactly what the terminal received for it. */
  async function typeAndRead(text: string): Promise<string> {
    const before = Buffer.byteLength(expected);
    expected += text;
    await typer.type(text);
    const all = await recorder.waitForBytes(Buffer.byteLength(expected));
    return Buffer.from(all).subarray(before).toString('utf8');
  }

  it('every printable ASCII character arrives intact', async () => {
    expect(await typeAndRead(ALL_PRINTABLE_ASCII)).toBe(ALL_PRINTABLE_ASCII);
  });

  it('accented letters of both cases arrive intact', async () => {
    const text = 'héllo wörld ✓ ÀÉÎÕÜ àéîõü Çç Ññ ß € — “quotes” ½';
    expect(await typeAndRead(text)).toBe(text);
  });

  it('Japanese, Chinese and Korean text arrives intact', async () => {
    const text = '日本語テキスト 中文字符 한국어 텍스트';
    expect(await typeAndRead(text)).toBe(text);
  });

  it('emoji arrive intact', async () => {
    const text = 'done 😀 🎉 👍🏽';
    expect(await typeAndRead(text)).toBe(text);
  });

  it('newlines and tabs arrive as newlines and tabs', async () => {
    const text = 'first line\n\tindented second line\nthird\n';
    expect(await typeAndRead(text)).toBe(text);
  });

  it('more distinct symbols than free keys still arrive intact, in order', async () => {
    // More distinct CJK characters than the keymap has unused keycodes, so bindings are recycled.
    const text = Array.from({ length: 120 }, (_, i) => String.fromCodePoint(0x4e00 + i * 7)).join('');
    expect(await typeAndRead(text)).toBe(text);
  });

  it('the whole session arrives byte for byte', async () => {
    expect(Buffer.from(await recorder.read())).toEqual(Buffer.from(expected));
  });
});
