import { DocumentRefusal } from './document-refusal.js';

/**
 * Which part of a document one `view` shows. `view_range` is read per kind: rows of each sheet
 * for spreadsheets, pages for PDFs, lines of the extracted text for the rest. Without one, the
 * first `perView` items are shown; with one, at most five times that, so a request for
 * everything stays bounded too. Every result says what it showed and how to see more.
 */
export type ViewRange = [number, number];

/** The items shown, 1-based and inclusive; `end < start` when there are none to show. */
export interface ViewWindow {
  start: number;
  end: number;
  total: number;
}

/** Refuses a range whose end lies before its start (-1 means "to the end"). */
export function checkRange(range: ViewRange | undefined): void {
  if (range && range[1] !== -1 && range[1] < range[0]) {
    throw new DocumentRefusal(`view_range end (${range[1]}) is before its start (${range[0]}).`);
  }
}

/** The window of `total` items that `range` asks for. */
export function windowOf(total: number, range: ViewRange | undefined, perView: number): ViewWindow {
  const start = range?.[0] ?? 1;
  const asked = range === undefined ? start + perView - 1 : range[1] === -1 ? total : range[1];
  const end = Math.min(total, asked, start + perView * (range ? 5 : 1) - 1);
  return { start, end, total };
}

/**
 * What a result says about its window: `Rows 1-200 of 40001 shown; view_range [201, 400] shows
 * the next 200.` — or nothing more when everything was shown.
 */
export function windowNote(window: ViewWindow, units: string, perView: number): string {
  const { start, end, total } = window;
  if (end < start) return `No ${units} from ${start} on: there are ${total}.`;
  const shown = `${capitalized(units)} ${start}-${end} of ${total} shown`;
  if (end >= total && start === 1) return `${shown}.`;
  if (end >= total) return `${shown}; view_range [1, ${Math.min(total, perView)}] shows the beginning.`;
  const nextEnd = Math.min(total, end + perView);
  return `${shown}; view_range [${end + 1}, ${nextEnd}] shows the next ${nextEnd - end}.`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
