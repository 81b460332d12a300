import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createComputerActivities as CreateComputerActivities } from '../../activities/input/computer-activity.js';
import { systemClock } from '../../activities/ports.js';
import type { ScreenGeometry } from '../../activities/screen/coordinates.js';
import { createContentStore } from '../../activities/store/content-store.js';
import { STANDARD_IMAGE_RULE } from '../../common/models.js';
import { startTypingRecorder, startXDisplay, xdotool, type XDisplay } from '../helpers/x-display.js';

const run = promisify(execFile);
const geometry: ScreenGeometry = { logical: { width: 1024, height: 768 }, image: { width: 1024, height: 768 } };
const NO_FOCUS = /^No window had the keyboard focus, so the (text|keys) probably went nowhere: click the (field|window) first/m;

describe('typing when no window has the keyboard focus', () => {
  let x: XDisplay;
  let storeDir: string;
  let perform: ReturnType<typeof CreateComputerActivities>['performComputerAction'];
  let call = 0;

  const legacy = (input: unknown) => perform({ toolUseId: `tu_${++call}`, input, geometry, toolVersion: 'computer_20251124' });
  const member = (name: string, input: unknown) =>
    perform({ toolUseId: `tu_${++call}`, input, geometry, toolVersion: 'computer_toolset_20260801', member: name });

  /** The window openbox parks the focus in when no client has it. */
  const windowManagerWindow = async () => {
    const { stdout } = await run('xprop', ['-root', '_NET_SUPPORTING_WM_CHECK'], { env: x.env });
    return String(Number.parseInt(/0x[0-9a-f]+/.exec(stdout)![0], 16));
  };

  beforeAll(async () => {
    x = await startXDisplay({ width: 1024, height: 768 });
    process.env.DISPLAY = x.display;
    const { createNutInputDevice, createNutScreenGrabber } = await import('../../worker/adapters/nut-desktop.js');
    const { createX11TextTyper } = await import('../../worker/adapters/x11-text-typer.js');
    const { createScreenCapture } = await import('../../activities/screen/capture.js');
    const { createComputerActivities } = await import('../../activities/input/computer-activity.js');
    storeDir = await mkdtemp(path.join(tmpdir(), 'keyboard-focus-'));
    const store = createContentStore(storeDir);
    const capture = createScreenCapture({ grabber: createNutScreenGrabber(), store, limit: STANDARD_IMAGE_RULE });
    const input = createNutInputDevice({ textTyper: createX11TextTyper({ env: x.env }) });
    perform = createComputerActivities({ input, capture, clock: systemClock, store }).performComputerAction;
  });

  afterAll(async () => {
    await x?.stop();
    if (storeDir) await rm(storeDir, { recursive: true, force: true });
  });

  it('on an empty desktop, type and key succeed but say the input probably went nowhere, in both dialects', async () => {
    expect(await xdotool(x.display, 'getwindowfocus', '-f')).toBe(await windowManagerWindow());
    expect(await legacy({ action: 'type', text: 'hello' })).toMatchObject({ isError: false, text: expect.stringMatching(NO_FOCUS) });
    expect(await legacy({ action: 'key', text: 'Return' })).toMatchObject({ isError: false, text: expect.stringMatching(NO_FOCUS) });
    const typedMember = await member('type', { text: 'hello' });
    expect(typedMember).toMatchObject({ isError: false, toolsetName: 'computer' });
    expect(typedMember.text).toMatch(/^Typed\.\n/);
    expect(typedMember.text).toMatch(NO_FOCUS);
    expect((await member('key', { text: 'Return' })).text).toMatch(/^Pressed Return\.\nNo window had the keyboard focus/);
  });

  it('into a focused terminal, the text arrives and the result says nothing more; when the focus leaves for the window manager, it says so again', async () => {
    const recorder = await startTypingRecorder(x.display);
    try {
      expect(await legacy({ action: 'type', text: 'abc' })).toEqual({ toolUseId: `tu_${call}`, isError: false });
      expect(await member('type', { text: 'def' })).toMatchObject({ isError: false, text: 'Typed.' });
      expect(await recorder.waitForBytes(6)).toBe('abcdef');

      // As after a click that did not give the window the focus: openbox holds it in its own window.
      await xdotool(x.display, 'windowfocus', await windowManagerWindow());
      expect(await legacy({ action: 'type', text: 'lost' })).toMatchObject({ isError: false, text: expect.stringMatching(NO_FOCUS) });
      // Focus back on the recorder and a marker typed: had "lost" reached it, it would be in by now.
      expect(await recorder.settled()).toBe('abcdef');
    } finally {
      await recorder.stop();
    }
  });
});
