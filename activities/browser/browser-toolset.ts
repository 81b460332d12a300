import { BetaAbstractBrowserToolset20260801, ToolError, type BetaBrowserState, type BetaToolsetCallContext as Ctx } from '@anthropic-ai/sdk/helpers/beta/toolsets';
import { BetaNodeFilePolicy } from '@anthropic-ai/sdk/helpers/beta/toolsets/node';
import type { BetaBrowserStateTabEntry, BetaBrowserToolsetConfigs } from '@anthropic-ai/sdk/resources/beta';
import type { Page } from 'playwright-core';
import { parseMemberInput, schemas } from './browser-inputs.js';
import { pageKeyChord, pageKeySequence } from './browser-keys.js';
import { findMatches, renderFindResult } from './find-matcher.js';
import * as act from './page-actions.js';
import * as read from './page-reading.js';
import { runScript } from './page-scripts.js';
import { snapshotPage, staleRefError } from './page-snapshot.js';
import { renderPageTree } from './page-tree.js';
import type { TaskTabs } from './task-tabs.js';
import { refuseNonWebUrl } from './url-policy.js';

/** The family name the API stamps on every browser toolset call (`tool_use.toolset_name`). */
export const BROWSER_TOOLSET_NAME = 'browser';

/**
 * Members switched on beyond the API's defaults. The console and network logs only read. Running
 * a script and uploading a file are on because the workflow's approval gate asks the person
 * before each such call (workflows/tool-families/browser.ts), before it ever reaches this driver.
 */
const CONFIGS: BetaBrowserToolsetConfigs = {
  read_console: { enabled: true },
  read_network: { enabled: true },
  javascript_exec: { enabled: true },
  file_upload: { enabled: true },
};

export interface BrowserToolsetOptions {
  /** How long `navigate` waits for a page before answering that it did not load. */
  navigationTimeoutMs: number;
  /** The granted folders: the only places `file_upload` may take files from. */
  uploadRoots?: readonly string[];
}

type Raw = object;

/**
 * `browser_toolset_20260801` on the desktop's own browser, built on the SDK's toolset class so
 * its pipeline (the URL policy, member routing, the `browser_state` block on every result, the
 * wording the model was trained on) is the SDK's and only the driver is ours. One instance
 * serves one task, over that task's tabs: the pipeline keeps state between calls (changes held
 * back from a failed call go out with the next one).
 */
export class AgentBrowserToolset extends BetaAbstractBrowserToolset20260801 {
  constructor(
    private readonly tabs: TaskTabs | undefined,
    private readonly options: BrowserToolsetOptions,
  ) {
    super({
      configs: CONFIGS,
      urlPolicy: refuseNonWebUrl,
      browserState: () => reportOf(tabs),
      // Confined to the granted folders, symlinks resolved, by the SDK's own policy.
      filePolicy: new BetaNodeFilePolicy({ uploadRoots: options.uploadRoots ?? [] }),
      // The person already approved this call in the workflow's gate; nothing reaches here unapproved.
      confirm: () => true,
    });
  }

  private async page(tabId: string | undefined): Promise<Page> {
    if (!this.tabs) throw new Error('this toolset only declares the browser');
    return (await this.tabs.tab(tabId)).page;
  }

  protected override async navigate(_ctx: Ctx, raw: Raw) {
    const input = parseMemberInput('navigate', schemas.navigate, raw);
    return read.navigate(await this.page(input.tab_id), input.url.trim(), this.options.navigationTimeoutMs);
  }

  protected override async read_page(_ctx: Ctx, raw: Raw) {
    const input = parseMemberInput('read_page', schemas.read_page, raw);
    const page = await this.page(input.tab_id);
    const filter = input.filter ?? 'visible';
    const snapshot = await read.withinTime(snapshotPage(page, { filter, maxDepth: input.depth ?? 15, rootRef: input.ref }), 15_000, 'reading it');
    if (snapshot.stale) throw staleRefError(input.ref!);
    const title = await read.withinTime(page.title(), 5_000, 'reading its title').catch(() => '');
    return renderPageTree({ title, url: page.url() }, snapshot, { filter, ref: input.ref });
  }

  protected override async find(_ctx: Ctx, raw: Raw) {
    const input = parseMemberInput('find', schemas.find, raw);
    const page = await this.page(input.tab_id);
    const snapshot = await read.withinTime(snapshotPage(page, { filter: 'all', maxDepth: 100, withText: true }), 15_000, 'reading it');
    return renderFindResult(input.query, findMatches(input.query, snapshot.nodes));
  }

  protected override async get_page_text(_ctx: Ctx, raw: Raw) {
    return read.pageText(await this.page(parseMemberInput('get_page_text', schemas.tabOnly, raw).tab_id));
  }

  protected override async screenshot(_ctx: Ctx, raw: Raw) {
    return read.screenshot(await this.page(parseMemberInput('screenshot', schemas.tabOnly, raw).tab_id));
  }

  protected override async zoom(_ctx: Ctx, raw: Raw) {
    const input = parseMemberInput('zoom', schemas.zoom, raw);
    return read.zoom(await this.page(input.tab_id), input.region);
  }

  protected override async form_input(_ctx: Ctx, raw: Raw) {
    const input = parseMemberInput('form_input', schemas.form_input, raw);
    await act.setFormValue(await this.page(input.tab_id), input.target.ref, input.value);
  }

  private async clickMember(member: string, raw: Raw, button: act.MouseButton, count: 1 | 2 | 3): Promise<void> {
    const input = parseMemberInput(member, schemas.click, raw);
    await act.click(await this.page(input.tab_id), input.target, button, count, input.modifiers);
  }

  protected override left_click(_ctx: Ctx, raw: Raw) {
    return this.clickMember('left_click', raw, 'left', 1);
  }
  protected override right_click(_ctx: Ctx, raw: Raw) {
    return this.clickMember('right_click', raw, 'right', 1);
  }
  protected override middle_click(_ctx: Ctx, raw: Raw) {
    return this.clickMember('middle_click', raw, 'middle', 1);
  }
  protected override double_click(_ctx: Ctx, raw: Raw) {
    return this.clickMember('double_click', raw, 'left', 2);
  }
  protected override triple_click(_ctx: Ctx, raw: Raw) {
    return this.clickMember('triple_click', raw, 'left', 3);
  }

  protected override async hover(_ctx: Ctx, raw: Raw) {
    const input = parseMemberInput('hover', schemas.hover, raw);
    await act.hover(await this.page(input.tab_id), input.target);
  }

  protected override async left_click_drag(_ctx: Ctx, raw: Raw) {
    const input = parseMemberInput('left_click_drag', schemas.left_click_drag, raw);
    await act.drag(await this.page(input.tab_id), input.from, input.target);
  }

  protected override async left_mouse_down(_ctx: Ctx, raw: Raw) {
    const input = parseMemberInput('left_mouse_down', schemas.pointAt, raw);
    await act.mouseButton(await this.page(input.tab_id), input.target, 'down');
  }

  protected override async left_mouse_up(_ctx: Ctx, raw: Raw) {
    const input = parseMemberInput('left_mouse_up', schemas.pointAt, raw);
    await act.mouseButton(await this.page(input.tab_id), input.target, 'up');
  }

  protected override async mouse_move(_ctx: Ctx, raw: Raw) {
    const input = parseMemberInput('mouse_move', schemas.pointAt, raw);
    await act.hover(await this.page(input.tab_id), input.target);
  }

  protected override async scroll(_ctx: Ctx, raw: Raw) {
    const input = parseMemberInput('scroll', schemas.scroll, raw);
    await act.scroll(await this.page(input.tab_id), input.target, input.scroll_direction, input.scroll_amount ?? 3);
  }

  protected override async scroll_to(_ctx: Ctx, raw: Raw) {
    const input = parseMemberInput('scroll_to', schemas.scroll_to, raw);
    await act.scrollTo(await this.page(input.tab_id), input.target.ref);
  }

  protected override async type_(_ctx: Ctx, raw: Raw) {
    const input = parseMemberInput('type', schemas.type, raw);
    const page = await this.page(input.tab_id);
    await page.keyboard.type(input.text);
    await act.settle(page);
  }

  protected override async key(_ctx: Ctx, raw: Raw) {
    const input = parseMemberInput('key', schemas.key, raw);
    const chords = pageKeySequence(input.text);
    await act.pressKeys(await this.page(input.tab_id), chords, input.repeat ?? 1);
  }

  protected override async hold_key(_ctx: Ctx, raw: Raw) {
    const input = parseMemberInput('hold_key', schemas.hold_key, raw);
    const chord = pageKeyChord(input.text);
    await act.holdKeys(await this.page(input.tab_id), chord, input.duration);
  }

  protected override async wait(_ctx: Ctx, raw: Raw) {
    const input = parseMemberInput('wait', schemas.wait, raw);
    await new Promise((resolve) => setTimeout(resolve, input.duration * 1000));
  }

  protected override async read_console(_ctx: Ctx, raw: Raw) {
    const input = parseMemberInput('read_console', schemas.tabOnly, raw);
    return (await this.requireTabs().tab(input.tab_id)).logs.console();
  }

  protected override async read_network(_ctx: Ctx, raw: Raw) {
    const input = parseMemberInput('read_network', schemas.tabOnly, raw);
    return (await this.requireTabs().tab(input.tab_id)).logs.network();
  }

  protected override async new_tab(_ctx: Ctx, raw: Raw) {
    parseMemberInput('new_tab', schemas.none, raw);
    return this.entryOf((await this.requireTabs().open()).id);
  }

  protected override async list_tabs(_ctx: Ctx, raw: Raw) {
    parseMemberInput('list_tabs', schemas.none, raw);
    return this.requireTabs().entries();
  }

  protected override async switch_tab(_ctx: Ctx, raw: Raw) {
    const input = parseMemberInput('switch_tab', schemas.tabRequired, raw);
    return this.entryOf((await this.requireTabs().switchTo(input.tab_id)).id);
  }

  protected override async javascript_exec(_ctx: Ctx, raw: Raw) {
    const input = parseMemberInput('javascript_exec', schemas.javascript_exec, raw);
    const page = await this.page(input.tab_id);
    const value = await runScript(page, input.text);
    await act.settle(page);
    return value;
  }

  protected override async file_upload(_ctx: Ctx, raw: Raw) {
    const input = parseMemberInput('file_upload', schemas.file_upload, raw);
    if (!input.paths) throw new ToolError('file_upload needs "paths": files inside the folders you may use.');
    await act.uploadFiles(await this.page(input.tab_id), input.target.ref, input.paths);
  }

  protected override async close_tab(_ctx: Ctx, raw: Raw) {
    const input = parseMemberInput('close_tab', schemas.tabRequired, raw);
    await this.requireTabs().close(input.tab_id);
  }

  private requireTabs(): TaskTabs {
    if (!this.tabs) throw new Error('this toolset only declares the browser');
    return this.tabs;
  }

  private async entryOf(tabId: string): Promise<BetaBrowserStateTabEntry> {
    const entry = (await this.requireTabs().entries()).find((candidate) => candidate.tab_id === tabId);
    if (!entry) throw new Error(`tab ${tabId} closed while it was being opened`);
    return entry;
  }
}

/** The report after each call. It must not throw (the SDK would end the run): a lost browser has no tabs. */
async function reportOf(tabs: TaskTabs | undefined): Promise<BetaBrowserState> {
  if (!tabs) return { tabs: [] };
  try {
    return await tabs.state();
  } catch {
    return { tabs: [] };
  }
}

/** The toolset's entry in the request's `tools` list. */
export function browserToolsetDeclaration(): Record<string, unknown> {
  return new AgentBrowserToolset(undefined, { navigationTimeoutMs: 0 }).toJSON() as unknown as Record<string, unknown>;
}
