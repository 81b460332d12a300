import { ToolError, type BetaBrowserNavigateResult, type BetaScreenshotResult } from '@anthropic-ai/sdk/helpers/beta/toolsets';
import type { Page, Response } from 'playwright-core';
import sharp from 'sharp';
import { BROWSER_VIEWPORT } from './chromium-launcher.js';
import { firstLine } from './page-actions.js';
import { capText } from './page-tree.js';

/** The most `get_page_text` answers with; the rest of a very long page is cut, saying so. */
export const PAGE_TEXT_MAX_CHARS = 50_000;
const READ_TIMEOUT_MS = 10_000;
const LOAD_GRACE_MS = 5_000;

/** `work`, or a {@link ToolError} saying the page did not answer within `ms` (a page busy in a script). */
export async function withinTime<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ToolError(`The page did not answer within ${ms / 1000} s while ${what}; it may be busy. Wait, then try again.`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function landed(page: Page, response: Response | null): Promise<BetaBrowserNavigateResult> {
  // The document is there; give its images and scripts a moment, but never wait on a page that never settles.
  await page.waitForLoadState('load', { timeout: LOAD_GRACE_MS }).catch(() => undefined);
  const title = await withinTime(page.title(), READ_TIMEOUT_MS, 'reading its title').catch(() => '');
  return { url: page.url(), title, ...(response ? { status: response.status() } : {}) };
}

/**
 * Opens `url` (already through the URL policy) or walks the tab's history. A page that does not
 * arrive within `timeoutMs` is an error the model reads, not a stuck task.
 */
export async function navigate(page: Page, url: string, timeoutMs: number): Promise<BetaBrowserNavigateResult> {
  const options = { waitUntil: 'domcontentloaded' as const, timeout: timeoutMs };
  try {
    if (url === 'back' || url === 'forward') {
      const before = page.url();
      const response = await (url === 'back' ? page.goBack(options) : page.goForward(options));
      if (response === null && page.url() === before) throw new ToolError(`There is no page to go ${url} to in this tab's history.`);
      return await landed(page, response);
    }
    if (url === 'reload') return await landed(page, await page.reload(options));
    return await landed(page, await page.goto(url, options));
  } catch (error) {
    if (error instanceof ToolError) throw error;
    const reason = firstLine(error);
    if (/Timeout \d+ms exceeded/.test(reason)) {
      throw new ToolError(`The page did not load within ${timeoutMs / 1000} s. It may still be loading: take a screenshot or read_page to see what arrived, or try again.`);
    }
    throw new ToolError(`Could not open ${url}: ${reason}`);
  }
}

/** The page's visible text, headed by its title and address, cut at {@link PAGE_TEXT_MAX_CHARS}. */
export async function pageText(page: Page): Promise<string> {
  const text = (await withinTime(page.evaluate('document.body ? document.body.innerText : ""'), READ_TIMEOUT_MS, 'reading its text')) as string;
  const title = await withinTime(page.title(), READ_TIMEOUT_MS, 'reading its title').catch(() => '');
  const body = text.replace(/\n{3,}/g, '\n\n').trim();
  return `Title: ${title || '(untitled)'}\nURL: ${page.url()}\n\n${body === '' ? '(the page has no text)' : capText(body, PAGE_TEXT_MAX_CHARS)}`;
}

/** The viewport as a PNG of exactly {@link BROWSER_VIEWPORT}: its pixels are the click coordinates. */
export async function screenshot(page: Page): Promise<BetaScreenshotResult> {
  const png = await page.screenshot({ type: 'png', timeout: READ_TIMEOUT_MS }).catch((error: unknown) => {
    throw new ToolError(`Could not take a screenshot: ${firstLine(error)}`);
  });
  return { data: png.toString('base64'), mediaType: 'image/png' };
}

/**
 * A region of the viewport `[x0, y0, x1, y1]`, scaled up to fit the viewport's size (the model's
 * usual screenshot) so small text and icons can be read.
 */
export async function zoom(page: Page, region: readonly [number, number, number, number]): Promise<BetaScreenshotResult> {
  const [x0, y0, x1, y1] = region;
  const { width, height } = BROWSER_VIEWPORT;
  if (!(x0 >= 0 && y0 >= 0 && x1 <= width && y1 <= height && x1 - x0 >= 1 && y1 - y0 >= 1)) {
    throw new ToolError(`zoom takes [x0, y0, x1, y1] inside the ${width}×${height} viewport with x0 < x1 and y0 < y1; got ${JSON.stringify(region)}.`);
  }
  const crop = await page
    .screenshot({ type: 'png', timeout: READ_TIMEOUT_MS, clip: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } })
    .catch((error: unknown) => {
      throw new ToolError(`Could not take a screenshot: ${firstLine(error)}`);
    });
  const scaled = await sharp(crop).resize({ width, height, fit: 'inside', kernel: 'lanczos3' }).png().toBuffer();
  return { data: scaled.toString('base64'), mediaType: 'image/png' };
}
