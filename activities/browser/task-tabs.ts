import { ToolError, type BetaBrowserState } from '@anthropic-ai/sdk/helpers/beta/toolsets';
import type { BetaBrowserStateTabEntry } from '@anthropic-ai/sdk/resources/beta';
import type { BrowserContext, Page } from 'playwright-core';
import { recordPageLogs, type PageLogs } from './page-logs.js';

/** One of a task's tabs: its stable id, the page and what it logged. */
export interface Tab {
  id: string;
  page: Page;
  logs: PageLogs;
}

type StateChange = NonNullable<BetaBrowserState['state_changes']>[number];

/** How long one page operation may take before the model hears that the page does not answer. */
export const ACTION_TIMEOUT_MS = 10_000;
const TITLE_TIMEOUT_MS = 1_000;

async function titleOf(page: Page): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(''), TITLE_TIMEOUT_MS)));
  try {
    return await Promise.race([page.title().catch(() => ''), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The tabs of one task in the shared browser. A task sees only its own: tab ids (`tab_1`,
 * `tab_2`, …) are stable strings numbered per task, so an id the model kept from another task, or
 * from a tab already closed, is refused instead of reaching someone else's page. Tabs a page opens
 * (target=_blank, window.open) join the task of the page that opened them and become active, as
 * in a browser window. Dialogs are dismissed so a page cannot stall, and reported.
 */
export class TaskTabs {
  private readonly tabs = new Map<string, Tab>();
  private activeId: string | undefined;
  private opened = 0;
  private downloads = 0;
  private changes: StateChange[] = [];

  constructor(
    readonly taskId: string,
    private readonly context: () => Promise<BrowserContext>,
  ) {}

  /** Opens a new blank tab and makes it the active one. */
  async open(): Promise<Tab> {
    const context = await this.context();
    return this.adopt(await context.newPage());
  }

  /** The tab a call names, else the active one; a task without tabs gets its first one here. */
  async tab(tabId?: string): Promise<Tab> {
    if (tabId !== undefined) return this.known(tabId);
    const active = this.activeId === undefined ? undefined : this.tabs.get(this.activeId);
    return active ?? (await this.open());
  }

  /** Makes a tab the active one. */
  async switchTo(tabId: string): Promise<Tab> {
    const tab = this.known(tabId);
    this.activeId = tab.id;
    await tab.page.bringToFront().catch(() => undefined);
    return tab;
  }

  async close(tabId: string): Promise<void> {
    const tab = this.known(tabId);
    this.forget(tab.id);
    await tab.page.close().catch(() => undefined);
  }

  /** The inventory as the toolset reports it: every tab of this task, the active one marked. */
  async entries(): Promise<BetaBrowserStateTabEntry[]> {
    const tabs = [...this.tabs.values()];
    const titles = await Promise.all(tabs.map((tab) => titleOf(tab.page)));
    return tabs.map((tab, index) => ({ tab_id: tab.id, title: titles[index]!, url: tab.page.url(), active: tab.id === this.activeId }));
  }

  /** The `browserState` report: the inventory and what changed since the previous report. */
  async state(): Promise<BetaBrowserState> {
    const tabs = await this.entries();
    const changes = this.changes;
    this.changes = [];
    return changes.length > 0 ? { tabs, state_changes: changes } : { tabs };
  }

  /** Whether the task has any tab open. */
  get empty(): boolean {
    return this.tabs.size === 0;
  }

  async closeAll(): Promise<void> {
    const pages = [...this.tabs.values()].map((tab) => tab.page);
    this.tabs.clear();
    this.activeId = undefined;
    await Promise.all(pages.map((page) => page.close().catch(() => undefined)));
  }

  /** Forgets every tab without touching the pages: the browser they lived in is gone. */
  lost(): void {
    this.tabs.clear();
    this.activeId = undefined;
  }

  private known(tabId: string): Tab {
    const tab = this.tabs.get(tabId);
    if (tab) return tab;
    const open = [...this.tabs.keys()];
    throw new ToolError(`There is no tab "${tabId}" in this task. ${open.length > 0 ? `Open tabs: ${open.join(', ')}.` : 'No tab is open; call new_tab or navigate.'}`);
  }

  private forget(tabId: string): void {
    if (!this.tabs.delete(tabId)) return;
    if (this.activeId === tabId) this.activeId = [...this.tabs.keys()].at(-1);
  }

  private adopt(page: Page): Tab {
    const tab: Tab = { id: `tab_${++this.opened}`, page, logs: recordPageLogs(page) };
    page.setDefaultTimeout(ACTION_TIMEOUT_MS);
    this.tabs.set(tab.id, tab);
    this.activeId = tab.id;
    this.changes.push({ type: 'tab_opened', tab_id: tab.id });
    page.on('close', () => this.forget(tab.id));
    page.on('popup', (popup) => void this.adopt(popup));
    page.on('dialog', (dialog) => {
      this.changes.push({ type: 'dialog_dismissed', kind: dialog.type(), message: dialog.message() });
      void dialog.dismiss().catch(() => undefined);
    });
    page.on('download', (download) => {
      const id = `download_${++this.downloads}`;
      this.changes.push({ type: 'download_started', download_id: id, url: download.url() });
      void download.failure().then(
        (failure) => this.changes.push(failure === null ? { type: 'download_completed', download_id: id, url: download.url() } : { type: 'download_failed', download_id: id, url: download.url(), error: failure }),
        (error: unknown) => this.changes.push({ type: 'download_failed', download_id: id, url: download.url(), error: String(error) }),
      );
    });
    return tab;
  }
}
