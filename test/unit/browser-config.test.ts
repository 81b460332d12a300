import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BrowserNotFoundError, findBrowserExecutable } from '../../activities/browser/chromium-launcher.js';
import { ConfigError, loadConfig } from '../../common/config.js';

async function folderWith(...names: string[]): Promise<string> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'browsers-'));
  for (const name of names) {
    await writeFile(path.join(folder, name), '#!/bin/sh\n');
    await chmod(path.join(folder, name), 0o755);
  }
  return folder;
}

describe('the agent browser settings', () => {
  it('keeps the profile in the data folder and runs headless unless told otherwise', () => {
    const config = loadConfig({ DISPATCH_HOME: '/data/od' });
    expect(config.paths.browserProfile).toBe('/data/od/browser');
    expect(config.browser).toEqual({ executable: undefined, headless: true });
    expect(loadConfig({ DISPATCH_BROWSER_HEADLESS: 'false' }).browser.headless).toBe(false);
    expect(loadConfig({ DISPATCH_BROWSER_HEADLESS: '0' }).browser.headless).toBe(false);
    expect(loadConfig({ DISPATCH_BROWSER_HEADLESS: '' }).browser.headless).toBe(true);
    expect(() => loadConfig({ DISPATCH_BROWSER_HEADLESS: 'maybe' })).toThrow(ConfigError);
  });

  it('takes DISPATCH_BROWSER as a path (made absolute) or as a name to look up on PATH', () => {
    expect(loadConfig({ DISPATCH_BROWSER: '/opt/google/chrome/chrome' }).browser.executable).toBe('/opt/google/chrome/chrome');
    expect(loadConfig({ DISPATCH_BROWSER: '~/bin/chromium' }).browser.executable).toBe(path.join(os.homedir(), 'bin/chromium'));
    expect(loadConfig({ DISPATCH_BROWSER: 'google-chrome' }).browser.executable).toBe('google-chrome');
  });
});

describe('finding the browser to drive', () => {
  it('takes the first Chromium-family browser on PATH, in the documented order', async () => {
    const first = await folderWith('chromium');
    const second = await folderWith('google-chrome-stable', 'microsoft-edge');
    expect(await findBrowserExecutable(undefined, [first, second].join(path.delimiter))).toBe(path.join(second, 'google-chrome-stable'));
    expect(await findBrowserExecutable(undefined, first)).toBe(path.join(first, 'chromium'));
  });

  it('uses DISPATCH_BROWSER when set, and says plainly when it or any browser is missing', async () => {
    const folder = await folderWith('chromium', 'brave');
    expect(await findBrowserExecutable('brave', folder)).toBe(path.join(folder, 'brave'));
    expect(await findBrowserExecutable(path.join(folder, 'chromium'), '')).toBe(path.join(folder, 'chromium'));
    await expect(findBrowserExecutable(path.join(folder, 'nope'), folder)).rejects.toThrow(/DISPATCH_BROWSER is set to ".*nope", which is not an executable browser/);
    const empty = await mkdtemp(path.join(os.tmpdir(), 'no-browsers-'));
    await mkdir(path.join(empty, 'chromium'));
    await expect(findBrowserExecutable(undefined, empty)).rejects.toBeInstanceOf(BrowserNotFoundError);
    await expect(findBrowserExecutable(undefined, empty)).rejects.toThrow(/install Google Chrome or Chromium/);
  });
});
