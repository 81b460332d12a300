import { ToolError } from '@anthropic-ai/sdk/helpers/beta/toolsets';
import type { ElementHandle, Page } from 'playwright-core';
import type { ClickTarget, CoordinateTarget } from './browser-inputs.js';
import { pageModifiers, type PageChord } from './browser-keys.js';
import { BROWSER_VIEWPORT } from './chromium-launcher.js';
import { elementForRef } from './page-snapshot.js';

/** Pixels one scroll-wheel notch moves, as a mouse wheel does in Chromium. */
const WHEEL_NOTCH_PX = 100;
const SETTLE_MS = 150;

export type MouseButton = 'left' | 'right' | 'middle';

/** The first line of a Playwright error, which names what failed without its call log. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n').find((line) => line.trim() !== '') ?? message).replace(/^\w+\.\w+: /, '').slice(0, 500);
}

/** A viewport point, checked: coordinates are CSS pixels of the viewport, the frame of a screenshot. */
export function viewportPoint(target: CoordinateTarget): { x: number; y: number } {
  const { width, height } = BROWSER_VIEWPORT;
  if (target.x < 0 || target.y < 0 || target.x >= width || target.y >= height) {
    throw new ToolError(`(${target.x}, ${target.y}) is outside the viewport, which is ${width}×${height} pixels (the size of a screenshot). Scroll to bring the element into view, or use its ref.`);
  }
  return { x: target.x, y: target.y };
}

/** Waits briefly for what an action set off (a navigation, a popup) to show in the next report. */
export async function settle(page: Page): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  await page.waitForLoadState('domcontentloaded', { timeout: 5_000 }).catch(() => undefined);
}

async function withElement<T>(page: Page, ref: string, what: string, act: (element: ElementHandle<Element>) => Promise<T>): Promise<T> {
  const element = await elementForRef(page, ref);
  try {
    return await act(element);
  } catch (error) {
    if (error instanceof ToolError) throw error;
    throw new ToolError(`Could not ${what} ${ref}: ${firstLine(error)}. It may be hidden, covered or disabled; take a screenshot or read_page to see it.`);
  } finally {
    await element.dispose().catch(() => undefined);
  }
}

async function holding<T>(page: Page, modifiers: string[], act: () => Promise<T>): Promise<T> {
  for (const key of modifiers) await page.keyboard.down(key);
  try {
    return await act();
  } finally {
    for (const key of [...modifiers].reverse()) await page.keyboard.up(key);
  }
}

/** A click of any kind on a point or an element; an element is scrolled into view first. */
export async function click(page: Page, target: ClickTarget, button: MouseButton, clickCount: 1 | 2 | 3, modifierText?: string): Promise<void> {
  const modifiers = pageModifiers(modifierText);
  if (target.type === 'ref') {
    await withElement(page, target.ref, 'click', (element) => element.click({ button, clickCount, modifiers }));
  } else {
    const point = viewportPoint(target);
    await holding(page, modifiers, () => page.mouse.click(point.x, point.y, { button, clickCount }));
  }
  await settle(page);
}

export async function hover(page: Page, target: ClickTarget): Promise<void> {
  if (target.type === 'ref') await withElement(page, target.ref, 'hover over', (element) => element.hover());
  else {
    const point = viewportPoint(target);
    await page.mouse.move(point.x, point.y);
  }
}

export async function drag(page: Page, from: CoordinateTarget, to: CoordinateTarget): Promise<void> {
  const start = viewportPoint(from);
  const end = viewportPoint(to);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(end.x, end.y, { steps: 12 });
  await page.mouse.up();
  await settle(page);
}

export async function mouseButton(page: Page, target: CoordinateTarget, direction: 'down' | 'up'): Promise<void> {
  const point = viewportPoint(target);
  await page.mouse.move(point.x, point.y);
  await (direction === 'down' ? page.mouse.down() : page.mouse.up());
  if (direction === 'up') await settle(page);
}

export async function scroll(page: Page, target: CoordinateTarget, direction: 'up' | 'down' | 'left' | 'right', notches: number): Promise<void> {
  const point = viewportPoint(target);
  const distance = notches * WHEEL_NOTCH_PX;
  await page.mouse.move(point.x, point.y);
  await page.mouse.wheel(direction === 'left' ? -distance : direction === 'right' ? distance : 0, direction === 'up' ? -distance : direction === 'down' ? distance : 0);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

export async function scrollTo(page: Page, ref: string): Promise<void> {
  await withElement(page, ref, 'scroll to', (element) => element.scrollIntoViewIfNeeded());
}

export async function pressKeys(page: Page, chords: PageChord[], repeat: number): Promise<void> {
  for (let time = 0; time < repeat; time++) for (const chord of chords) await page.keyboard.press(chord.join('+'));
  await settle(page);
}

export async function holdKeys(page: Page, chord: PageChord, seconds: number): Promise<void> {
  await holding(page, [...chord], () => new Promise((resolve) => setTimeout(resolve, seconds * 1000)));
}

/** Puts files (already checked to lie in the granted folders) into the file input `ref`. */
export async function uploadFiles(page: Page, ref: string, paths: string[]): Promise<void> {
  await withElement(page, ref, 'upload files to', (element) => element.setInputFiles(paths));
}

const TRUE_WORDS = new Set(['true', 'on', 'yes', 'checked', '1']);

/**
 * Sets a form field to `value` the way a person would end up with it: a text field is filled, a
 * select picks the option whose value or label is `value`, a checkbox or radio is set on or off.
 */
export async function setFormValue(page: Page, ref: string, value: string | number | boolean): Promise<void> {
  await withElement(page, ref, 'set the value of', async (element) => {
    const kind = await element.evaluate((el) => ({ tag: el.tagName, type: (el as HTMLInputElement).type ?? '', editable: (el as HTMLElement).isContentEditable }));
    if (kind.tag === 'SELECT') {
      const wanted = String(value);
      const options = await element.evaluate((el) => Array.from((el as HTMLSelectElement).options).map((option) => ({ value: option.value, label: option.label || option.text })));
      if (!options.some((option) => option.value === wanted || option.label.trim() === wanted.trim())) {
        throw new ToolError(`${ref} has no option "${wanted}". Its options: ${options.map((option) => JSON.stringify(option.label)).join(', ')}.`);
      }
      await element.selectOption(wanted);
    } else if (kind.tag === 'INPUT' && (kind.type === 'checkbox' || kind.type === 'radio')) {
      await element.setChecked(typeof value === 'boolean' ? value : TRUE_WORDS.has(String(value).trim().toLowerCase()));
    } else if (kind.tag === 'INPUT' || kind.tag === 'TEXTAREA' || kind.editable) {
      await element.fill(String(value));
    } else {
      throw new ToolError(`${ref} is a <${kind.tag.toLowerCase()}>, which takes no value. Click it, or use type once a field has focus.`);
    }
  });
  await settle(page);
}
