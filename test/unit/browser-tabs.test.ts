import { EventEmitter } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createBrowserActivities, INTERRUPTED_BROWSER_ACTION_TEXT } from '../../activities/browser/browser-activity.js';
import { createBrowserHost } from '../../activities/browser/browser-host.js';
import { createBrowserTabs } from '../../activities/browser/browser-tabs.js';
import { createToolCallJournal } from '../../activities/store/tool-call-journal.js';

/** Just enough of a browser for the tab bookkeeping: pages that open, report an address and close. */
function fakeBrowser() {
  const pages: Array<{ closed: boolean }> = [];
  let launches = 0;
  let contextClosed = 0;
  const context = new EventEmitter() as EventEmitter & Record<string, unknown>;
  context.newPage = async () => {
    const page = new EventEmitter() as EventEmitter & Record<string, unknown> & { closed: boolean };
    page.closed = false;
    page.url = () => 'about:blank';
    page.title = async () => '';
    page.setDefaultTimeout = () => undefined;
    page.bringToFront = async () => undefined;
    page.close = async () => {
      page.closed = true;
      page.emit('close');
    };
    pages.push(page);
    return page as unknown as Page;
  };
  context.close = async () => {
    contextClosed++;
    context.emit('close');
  };
  const host = createBrowserHost(async () => {
    launches++;
    return context as unknown as BrowserContext;
  });
  return { host, pages, launches: () => launches, contextClosed: () => contextClosed };
}

const call = (taskId: string, toolUseId: string, name: string, input: object = {}) => ({ taskId, toolUseId, name, input });

describe('the browser tab registry', () => {
  it('keeps a running task\'s tabs however long it waits, closes those of a task that ended, then the browser', async () => {
    const browser = fakeBrowser();
    let now = 0;
    const running = new Set(['task-a', 'task-b']);
    const tabs = createBrowserTabs({ host: browser.host, isTaskOpen: async (taskId) => running.has(taskId), now: () => now, sweepEveryMs: 60_000 });
    await tabs.use('task-a', (own) => own.open());
    await tabs.use('task-b', (own) => own.open());
    expect(browser.launches()).toBe(1);

    now = 3 * 60 * 60_000;
    await tabs.sweep();
    expect(browser.pages.map((page) => page.closed)).toEqual([false, false]);

    await tabs.use('task-a', async () => undefined);
    running.delete('task-a');
    now += 30_000;
    await tabs.sweep();
    expect(browser.pages.map((page) => page.closed)).toEqual([false, false]);

    now += 31_000;
    await tabs.sweep();
    expect(browser.pages.map((page) => page.closed)).toEqual([true, false]);
    expect(browser.contextClosed()).toBe(0);

    running.delete('task-b');
    await tabs.sweep();
    expect(browser.pages.map((page) => page.closed)).toEqual([true, true]);
    expect(browser.contextClosed()).toBe(1);

    await tabs.use('task-c', (own) => own.open());
    expect(browser.launches()).toBe(2);
    await tabs.close();
  });

  it('closes a long-idle task\'s tabs even when nobody can say whether it still runs', async () => {
    const browser = fakeBrowser();
    let now = 0;
    const tabs = createBrowserTabs({ host: browser.host, isTaskOpen: () => Promise.reject(new Error('Temporal is away')), now: () => now, idleMs: 30 * 60_000 });
    await tabs.use('task-a', (own) => own.open());
    now = 10 * 60_000;
    await tabs.sweep();
    expect(browser.pages[0]!.closed).toBe(false);
    now = 31 * 60_000;
    await tabs.sweep();
    expect(browser.pages[0]!.closed).toBe(true);
    await tabs.close();
  });
});

describe('the browser activity after a crash', () => {
  async function setUp() {
    const journal = createToolCallJournal(await mkdtemp(path.join(os.tmpdir(), 'browser-journal-')));
    const browser = fakeBrowser();
    const tabs = createBrowserTabs({ host: browser.host });
    const { performBrowserAction } = createBrowserActivities({ tabs, journal, store: { put: async () => 'ref' } });
    return { journal, browser, tabs, performBrowserAction };
  }

  it('answers a finished call with its recorded result instead of acting again', async () => {
    const { browser, tabs, performBrowserAction } = await setUp();
    const first = await performBrowserAction(call('task-a', 'toolu_1', 'new_tab'));
    const again = await performBrowserAction(call('task-a', 'toolu_1', 'new_tab'));
    expect(again).toEqual(first);
    expect(browser.pages).toHaveLength(1);
    await tabs.close();
  });

  it('never repeats an action that was interrupted, and says it may or may not have happened', async () => {
    const { journal, browser, tabs, performBrowserAction } = await setUp();
    await journal.begin('task-a', 'toolu_2');
    expect(await performBrowserAction(call('task-a', 'toolu_2', 'new_tab'))).toEqual({
      toolUseId: 'toolu_2',
      toolsetName: 'browser',
      isError: true,
      text: INTERRUPTED_BROWSER_ACTION_TEXT,
    });
    expect(browser.pages).toHaveLength(0);
    await tabs.close();
  });

  it('runs an interrupted call again when it only reads', async () => {
    const { journal, tabs, performBrowserAction } = await setUp();
    await journal.begin('task-a', 'toolu_3');
    const result = await performBrowserAction(call('task-a', 'toolu_3', 'list_tabs'));
    expect(result).toMatchObject({ toolUseId: 'toolu_3', toolsetName: 'browser', isError: false, blocks: [{ type: 'browser_state', tabs: [] }] });
    await tabs.close();
  });
});
