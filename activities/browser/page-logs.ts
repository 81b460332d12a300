import type { Page } from 'playwright-core';

/** Entries kept per tab and log; older ones are dropped, and the answer says how many. */
const MAX_ENTRIES = 200;
const MAX_LINE = 500;

/** A bounded log: the newest {@link MAX_ENTRIES} lines and a count of those dropped before them. */
class BoundedLog {
  private readonly lines: string[] = [];
  private dropped = 0;

  add(line: string): void {
    this.lines.push(line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line);
    if (this.lines.length > MAX_ENTRIES) {
      this.lines.shift();
      this.dropped++;
    }
  }

  render(empty: string): string {
    if (this.lines.length === 0) return empty;
    const head = this.dropped > 0 ? [`(${this.dropped} older entries dropped)`] : [];
    return [...head, ...this.lines].join('\n');
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The console messages and network requests of one tab, recorded from the moment it opened. */
export interface PageLogs {
  console(): string;
  network(): string;
}

/**
 * Starts recording a tab's console (messages, uncaught errors) and network (each request with its
 * method, status and resource type, or the reason it failed), so `read_console` and
 * `read_network` can answer what happened before the model asked. Bounded per tab.
 */
export function recordPageLogs(page: Page): PageLogs {
  const consoleLog = new BoundedLog();
  const networkLog = new BoundedLog();
  page.on('console', (message) => {
    const where = message.location();
    const at = where.url ? ` (${where.url}:${where.lineNumber + 1})` : '';
    consoleLog.add(`[${message.type()}] ${oneLine(message.text())}${at}`);
  });
  page.on('pageerror', (error) => consoleLog.add(`[uncaught] ${oneLine(error.message)}`));
  page.on('requestfinished', (request) => {
    void request.response().then(
      (response) => networkLog.add(`${request.method()} ${response?.status() ?? '-'} ${request.url()} (${request.resourceType()})`),
      () => networkLog.add(`${request.method()} ? ${request.url()} (${request.resourceType()})`),
    );
  });
  page.on('requestfailed', (request) => {
    networkLog.add(`${request.method()} failed ${request.url()} (${request.resourceType()}): ${request.failure()?.errorText ?? 'unknown error'}`);
  });
  return {
    console: () => consoleLog.render('(no console messages in this tab)'),
    network: () => networkLog.render('(no network requests in this tab)'),
  };
}
