import { ToolError } from '@anthropic-ai/sdk/helpers/beta/toolsets';
import type { BrowserContext } from 'playwright-core';

/**
 * The one browser the desktop's tasks share: started on the first browser call (a desktop that
 * never browses never starts one), started again after it was closed or crashed, and closed by
 * the worker on shutdown or by the tab registry once no task has tabs.
 */
export interface BrowserHost {
  /** The running browser's context, starting it if needed. A failure to start is the model's to hear. */
  context(): Promise<BrowserContext>;
  /** Whether a browser is running now (nothing is started to find out). */
  running(): boolean;
  /** Called whenever the running browser goes away, closed or crashed: every tab went with it. */
  onClosed(listener: () => void): void;
  close(): Promise<void>;
}

/** Words for a start-up failure that a person (through the model) can act on. */
function startFailure(error: unknown): ToolError {
  const message = error instanceof Error ? error.message : String(error);
  if (/ProcessSingleton|SingletonLock|profile.*in use|already in use/i.test(message)) {
    return new ToolError(
      'The agent\'s browser profile is open in another window (probably `opendispatch browser`). Ask the user to close that window, then try again.',
    );
  }
  const first = message.split('\n').find((line) => line.trim() !== '') ?? message;
  return new ToolError(`The browser could not start: ${first.slice(0, 500)}`);
}

/** A host over `launch`, the adapter that starts the real browser (see chromium-launcher.ts). */
export function createBrowserHost(launch: () => Promise<BrowserContext>): BrowserHost {
  let current: BrowserContext | undefined;
  let starting: Promise<BrowserContext> | undefined;
  const listeners: Array<() => void> = [];

  const forget = (context: BrowserContext): void => {
    if (current !== context) return;
    current = undefined;
    starting = undefined;
    for (const listener of listeners) listener();
  };

  return {
    context() {
      starting ??= launch().then(
        (context) => {
          current = context;
          context.on('close', () => forget(context));
          return context;
        },
        (error: unknown) => {
          starting = undefined;
          throw startFailure(error);
        },
      );
      return starting;
    },
    running: () => current !== undefined,
    onClosed: (listener) => void listeners.push(listener),
    async close() {
      // Forgotten at once when it is running, so a call arriving meanwhile starts a new browser.
      const context = current ?? (await starting?.catch(() => undefined));
      if (!context) return;
      forget(context);
      await context.close().catch(() => undefined);
    },
  };
}
