import type { BrowserContext } from 'playwright-core';
import type { DispatchConfig } from '../common/config.js';
import { BrowserNotFoundError, findBrowserExecutable, launchBrowser } from '../activities/browser/chromium-launcher.js';

/** Exit codes, from sysexits.h: usage, unavailable (no browser, no display), temporary failure (profile busy). */
const EX_USAGE = 64;
const EX_UNAVAILABLE = 69;
const EX_TEMPFAIL = 75;

function busyProfile(message: string): boolean {
  return /ProcessSingleton|SingletonLock|profile.*in use|already in use|Opening in existing browser session/i.test(message);
}

/**
 * `opendispatch browser [url]`: opens the agent's own browser profile in a visible window, so the
 * person can sign in to the sites the agent should use (web mail, a shop, an intranet). The
 * cookies stay in that profile, under the data folder, and nowhere else. Returns once the person
 * closes the window (or presses Ctrl+C).
 *
 * The profile can be open in one browser at a time: while a web task runs, the worker holds it,
 * and this command says so; the worker lets go a minute or two after its last web task ends.
 */
export async function runBrowserCommand(config: Readonly<DispatchConfig>, url: string | undefined, write: (text: string) => void): Promise<number> {
  if (url !== undefined && !/^https?:\/\/\S+$/i.test(url)) {
    write(`"${url}" is not a web address; give one that starts with https://.\n`);
    return EX_USAGE;
  }
  let executable: string;
  try {
    executable = await findBrowserExecutable(config.browser.executable);
  } catch (error) {
    if (!(error instanceof BrowserNotFoundError)) throw error;
    write(`${error.message}\n`);
    return EX_UNAVAILABLE;
  }

  let context: BrowserContext;
  try {
    context = await launchBrowser({ executable, profileDir: config.paths.browserProfile, headless: false, windowed: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (busyProfile(message)) {
      write('The agent\'s browser is in use by a web task right now. Try again when no task is using the browser (it closes a minute or two after the last one ends).\n');
      return EX_TEMPFAIL;
    }
    if (/DISPLAY|X server|cannot open display/i.test(message)) {
      write('The browser needs a desktop session to open its window: run this on the desktop itself (DISPLAY must be set).\n');
      return EX_UNAVAILABLE;
    }
    throw error;
  }

  const closed = new Promise<void>((resolve) => context.on('close', () => resolve()));
  const stop = (): void => void context.close().catch(() => undefined);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const page = context.pages()[0] ?? (await context.newPage());
  if (url !== undefined) await page.goto(url).catch(() => undefined);
  write(
    `The agent's browser is open (profile ${config.paths.browserProfile}).\n` +
      'Sign in to the sites the agent should use, then close the window. The agent will be signed in there too.\n',
  );
  await closed;
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  write('Closed. The agent uses these sign-ins from its next web task on.\n');
  return 0;
}
