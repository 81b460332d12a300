import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';

/** Debian's Chromium; playwright's own browser download cannot work on machines without internet. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless Chromium as a phone: 390×844 CSS pixels, touch, mobile user agent, a fresh profile
 * (playwright gives each launch its own). The flags keep it from reaching for Google's services,
 * which a closed network refuses. `phone` sets where the phone is: its time zone, language, theme.
 */
export async function launchPhone(phone: Pick<BrowserContextOptions, 'timezoneId' | 'locale' | 'colorScheme'> = {}): Promise<{ browser: Browser; context: BrowserContext; close(): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
    ...phone,
  });
  return { browser, context, close: () => browser.close() };
}
