import { access, constants, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/**
 * The agent browser's viewport in CSS pixels, at a device scale of 1: a screenshot is exactly
 * this size, so the model's coordinates are viewport pixels with no conversion, and it fits every
 * model's image rule unscaled (46 × 29 = 1334 patches of 28 px, under both 1568 and 4784).
 */
export const BROWSER_VIEWPORT = Object.freeze({ width: 1280, height: 800 });

/** Browsers tried in order when DISPATCH_BROWSER is unset: the Chromium family playwright-core drives. */
export const BROWSER_NAMES = ['google-chrome', 'google-chrome-stable', 'chromium', 'chromium-browser', 'microsoft-edge'] as const;

/** No usable browser: the person must install one or point DISPATCH_BROWSER at it. */
export class BrowserNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrowserNotFoundError';
  }
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

async function onPath(name: string, searchPath: string): Promise<string | undefined> {
  for (const folder of searchPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(folder, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The browser to drive: `configured` (DISPATCH_BROWSER, a path or a name on PATH), else the first
 * of {@link BROWSER_NAMES} on PATH. Never a download: the agent uses the browser the person has.
 */
export async function findBrowserExecutable(configured: string | undefined, searchPath = process.env.PATH ?? ''): Promise<string> {
  if (configured !== undefined) {
    const found = path.isAbsolute(configured) ? ((await isExecutable(configured)) ? configured : undefined) : await onPath(configured, searchPath);
    if (found) return found;
    throw new BrowserNotFoundError(`DISPATCH_BROWSER is set to "${configured}", which is not an executable browser. Point it at Google Chrome, Chromium or Microsoft Edge.`);
  }
  for (const name of BROWSER_NAMES) {
    const found = await onPath(name, searchPath);
    if (found) return found;
  }
  throw new BrowserNotFoundError(
    `No web browser found: install Google Chrome or Chromium (looked for ${BROWSER_NAMES.join(', ')} on PATH), or set DISPATCH_BROWSER to one.`,
  );
}

export interface LaunchOptions {
  executable: string;
  profileDir: string;
  headless: boolean;
  /** For the person's own window: the size of the window, not a fixed viewport. */
  windowed?: boolean;
}

/**
 * Starts the browser on the agent's own profile (its cookies and sign-ins persist there). Flags
 * keep it from reaching for Google's services on its own; the sandbox is on except for root,
 * where Chromium refuses to start with it.
 */
export async function launchBrowser(options: LaunchOptions): Promise<BrowserContext> {
  await mkdir(options.profileDir, { recursive: true });
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  return chromium.launchPersistentContext(options.profileDir, {
    executablePath: options.executable,
    headless: options.headless,
    chromiumSandbox: !root,
    args: ['--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...(root ? ['--no-sandbox'] : [])],
    viewport: options.windowed ? null : BROWSER_VIEWPORT,
    deviceScaleFactor: options.windowed ? undefined : 1,
    acceptDownloads: true,
    // The worker decides when the browser goes: on its own shutdown, after the running calls.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    timeout: 60_000,
  });
}
