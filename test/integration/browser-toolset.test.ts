import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { INTERRUPTED_BROWSER_ACTION_TEXT } from '../../activities/browser/browser-activity.js';
import { approvalSignal, type TaskResult } from '../../common/contract.js';
import { startTask } from '../../common/task-starter.js';
import { eventually } from '../helpers/async.js';
import { startDesktopStack, type DesktopStack, type WorkerProcess } from '../helpers/desktop-stack.js';
import { endTurn, imagesIn, lastToolResults, toolsetCall, toolsetReply, type RecordedRequest } from '../helpers/fake-messages-api.js';
import { startTestWebApp, type TestWebApp } from '../helpers/test-web-app.js';

const browser = (member: string, input: object = {}) => toolsetCall(member, input, { toolset: 'browser' });
const NOT_EXECUTED = 'Not executed: an earlier action in this turn failed.';

interface TabEntry {
  tab_id: string;
  title: string;
  url: string;
  active?: boolean;
}
interface BrowserState {
  tabs: TabEntry[];
  state_changes?: Array<{ type: string; tab_id?: string }>;
}

/** The `browser_state` block of each tool result in a request's last turn (undefined for an error). */
function browserStates(request: RecordedRequest): Array<BrowserState | undefined> {
  const last = request.body.messages.at(-1)!;
  return last.content
    .filter((block) => block.type === 'tool_result')
    .map((block) => (block.content as Array<Record<string, unknown>>).find((part) => part.type === 'browser_state') as BrowserState | undefined);
}

function activeTab(state: BrowserState | undefined): TabEntry | undefined {
  return state?.tabs.find((tab) => tab.active);
}

/** The ref a `read_page` or `find` answer gives an element, e.g. `textbox "Email" [ref_4]`. */
function refIn(text: string, role: string, name: string): string {
  const match = new RegExp(`${role} "${name}" \\[(ref_\\d+)\\]`).exec(text) ?? new RegExp(`\\[(ref_\\d+)\\] ${role} "${name}"`).exec(text);
  if (!match) throw new Error(`no ${role} "${name}" in:\n${text}`);
  return match[1]!;
}

describe('the browser toolset, on a real browser against a website on loopback', () => {
  let stack: DesktopStack;
  let web: TestWebApp;
  let worker: WorkerProcess;
  let requestsBefore = 0;

  beforeAll(async () => {
    web = await startTestWebApp();
    stack = await startDesktopStack({ model: 'claude-sonnet-5-5' });
    worker = await stack.startWorker();
  });
  afterAll(async () => {
    await stack?.stop();
    await web?.close();
  });
  beforeEach(() => {
    stack.model.drain();
    requestsBefore = stack.model.requests.length;
  });
  const requestsOfThisTest = (): RecordedRequest[] => stack.model.requests.slice(requestsBefore);

  async function runTask(prompt: string): Promise<TaskResult> {
    const id = await startTask(stack.client, stack.config, { prompt, desktopId: stack.desktopId });
    const result = await stack.client.workflow.getHandle(id).result();
    expect(stack.model.refusals).toEqual([]);
    return result;
  }

  it('reads a page: the toolset is offered after the computer, and the text comes back with the tab it was read in', async () => {
    stack.model.enqueue(toolsetReply(browser('navigate', { url: `${web.origin}/text` }), browser('get_page_text')), endTurn('Read it.'));
    expect(await runTask('what do my field notes say?')).toMatchObject({ reason: 'completed', text: 'Read it.' });

    const [first, second] = requestsOfThisTest();
    expect(first!.body.tools.map((tool) => tool.type)).toEqual(expect.arrayContaining(['computer_toolset_20260801', 'browser_toolset_20260801']));
    expect(first!.body.tools.findIndex((tool) => tool.type === 'browser_toolset_20260801')).toBe(1);
    expect(first!.body.tools[1]!.configs).toMatchObject({ javascript_exec: { enabled: true }, file_upload: { enabled: true } });

    const [navigated, text] = lastToolResults(second!);
    expect(navigated).toMatchObject({ toolset_name: 'browser', text: `Navigated to ${web.origin}/text — Field notes (HTTP 200)` });
    expect(text!.toolset_name).toBe('browser');
    expect(text!.text).toContain('The quick brown fox counts 42 lanterns by the river.');
    const [opened, after] = browserStates(second!);
    expect(opened!.state_changes).toEqual([{ type: 'tab_opened', tab_id: 'tab_1' }]);
    expect(after!.tabs).toEqual([{ tab_id: 'tab_1', title: 'Field notes', url: `${web.origin}/text`, active: true }]);
  });

  it('fills in and sends a form by the refs read_page and find give', async () => {
    const posted = web.posts.length;
    stack.model.enqueue(
      toolsetReply(browser('navigate', { url: `${web.origin}/form` }), browser('read_page', { filter: 'interactive' }), browser('find', { query: 'send button' })),
      (request) => {
        const [, page, found] = lastToolResults(request);
        return toolsetReply(
          browser('form_input', { target: { type: 'ref', ref: refIn(page!.text, 'textbox', 'Name') }, value: 'Ada Lovelace' }),
          browser('form_input', { target: { type: 'ref', ref: refIn(page!.text, 'textbox', 'Email') }, value: 'ada@example.org' }),
          browser('form_input', { target: { type: 'ref', ref: refIn(page!.text, 'combobox', 'Plan') }, value: 'Pro' }),
          browser('left_click', { target: { type: 'ref', ref: refIn(found!.text, 'button', 'Send') } }),
        );
      },
      endTurn('Sent.'),
    );
    expect(await runTask('send the contact form as Ada')).toMatchObject({ reason: 'completed' });

    expect(await web.waitForPost(posted + 1)).toEqual({ name: 'Ada Lovelace', email: 'ada@example.org', plan: 'pro' });
    const third = requestsOfThisTest()[2]!;
    const results = lastToolResults(third);
    expect(results.map((result) => result.is_error ?? false)).toEqual([false, false, false, false]);
    expect(results.map((result) => result.text)).toEqual([expect.stringMatching(/^Set the value of ref_\d+\.$/), expect.any(String), expect.any(String), 'Clicked.']);
    expect(activeTab(browserStates(third).at(-1))).toMatchObject({ title: 'Thanks', url: `${web.origin}/submit` });
  });

  it('fills in and sends the same form by coordinates read off a screenshot of the page', async () => {
    const posted = web.posts.length;
    const at = (x: number, y: number) => ({ target: { type: 'coordinate', x, y } });
    stack.model.enqueue(
      toolsetReply(browser('navigate', { url: `${web.origin}/form` }), browser('screenshot')),
      toolsetReply(
        browser('left_click', at(310, 85)),
        browser('type', { text: 'Grace Hopper' }),
        browser('left_click', at(310, 145)),
        browser('type', { text: 'grace@example.org' }),
        browser('key', { text: 'Tab' }),
        browser('key', { text: 'Down' }),
        browser('left_click', at(220, 270)),
      ),
      endTurn('Sent by hand.'),
    );
    expect(await runTask('send the contact form as Grace, by hand')).toMatchObject({ reason: 'completed' });

    expect(await web.waitForPost(posted + 1)).toEqual({ name: 'Grace Hopper', email: 'grace@example.org', plan: 'pro' });
    const shot = imagesIn(requestsOfThisTest()[1]!).at(-1)!;
    const { width, height } = await sharp(Buffer.from(shot.data, 'base64')).metadata();
    expect({ width, height }).toEqual({ width: 1280, height: 800 });
    expect(lastToolResults(requestsOfThisTest()[2]!).every((result) => !result.is_error)).toBe(true);
  });

  it('follows a link into a new tab and switches between the tabs', async () => {
    stack.model.enqueue(
      toolsetReply(browser('navigate', { url: `${web.origin}/links` }), browser('find', { query: 'second page link' })),
      (request) => toolsetReply(browser('left_click', { target: { type: 'ref', ref: refIn(lastToolResults(request)[1]!.text, 'link', 'Open the second page') } })),
      toolsetReply(browser('get_page_text'), browser('switch_tab', { tab_id: 'tab_1' }), browser('get_page_text', { tab_id: 'tab_2' }), browser('list_tabs')),
      endTurn('Both tabs read.'),
    );
    expect(await runTask('open the second page')).toMatchObject({ reason: 'completed' });

    const [, , clicked, switched] = requestsOfThisTest();
    const afterClick = browserStates(clicked!)[0]!;
    expect(afterClick.state_changes).toEqual([{ type: 'tab_opened', tab_id: 'tab_2' }]);
    expect(afterClick.tabs).toEqual([
      { tab_id: 'tab_1', title: 'Links', url: `${web.origin}/links`, active: false },
      { tab_id: 'tab_2', title: 'Second page', url: `${web.origin}/second`, active: true },
    ]);
    const results = lastToolResults(switched!);
    expect(results[0]!.text).toContain('You reached the second page.');
    expect(results[2]!.text).toContain('You reached the second page.');
    const states = browserStates(switched!);
    expect(activeTab(states[1])!.tab_id).toBe('tab_1');
    expect(states[3]!.tabs.map((tab) => [tab.tab_id, tab.active])).toEqual([['tab_1', true], ['tab_2', false]]);
  });

  it('refuses addresses that are not web pages, and nothing is opened or fetched', async () => {
    const fetched = web.requests.length;
    stack.model.enqueue(
      toolsetReply(browser('navigate', { url: 'file:///etc/passwd' }), browser('get_page_text')),
      toolsetReply(browser('navigate', { url: 'javascript:alert(1)' })),
      toolsetReply(browser('navigate', { url: `data:text/html,<img src="${web.origin}/text">` })),
      toolsetReply(browser('list_tabs')),
      endTurn('Could not open those.'),
    );
    expect(await runTask('open some files')).toMatchObject({ reason: 'completed' });

    const [, first, second, third, listed] = requestsOfThisTest();
    const [file, skipped] = lastToolResults(first!);
    expect(file).toMatchObject({ is_error: true, toolset_name: 'browser' });
    expect(file!.text).toMatch(/^Refused: the browser opens only http:\/\/ and https:\/\/ .*not file: ones/);
    expect(skipped).toMatchObject({ is_error: true, text: NOT_EXECUTED });
    expect(lastToolResults(second!)[0]).toMatchObject({ is_error: true, text: expect.stringContaining('not javascript: ones') });
    expect(lastToolResults(third!)[0]).toMatchObject({ is_error: true, text: expect.stringContaining('not data: ones') });
    expect(browserStates(listed!)[0]).toEqual({ type: 'browser_state', tabs: [] });
    expect(web.requests.length).toBe(fetched);
  });

  it('shows a page that moves on by itself in the next browser_state', async () => {
    stack.model.enqueue(toolsetReply(browser('navigate', { url: `${web.origin}/self-navigating` }), browser('wait', { duration: 2 })), endTurn('It moved.'));
    expect(await runTask('watch the moving page')).toMatchObject({ reason: 'completed' });

    const request = requestsOfThisTest()[1]!;
    expect(lastToolResults(request).map((result) => result.text)).toEqual([`Navigated to ${web.origin}/self-navigating — Moving on (HTTP 200)`, 'Waited 2s.']);
    const [navigated, waited] = browserStates(request);
    expect(activeTab(navigated)!.url).toBe(`${web.origin}/self-navigating`);
    expect(activeTab(waited)).toMatchObject({ url: `${web.origin}/landed`, title: 'Landed' });
  });

  it('waits for a slow page instead of answering too early', async () => {
    stack.model.enqueue(toolsetReply(browser('navigate', { url: `${web.origin}/slow` }), browser('get_page_text')), endTurn('Slow, but there.'));
    expect(await runTask('open the slow page')).toMatchObject({ reason: 'completed' });

    const [first, second] = requestsOfThisTest();
    const [navigated, text] = lastToolResults(second!);
    expect(navigated).toMatchObject({ text: `Navigated to ${web.origin}/slow — Slow page (HTTP 200)` });
    expect(text!.text).toContain('Slow page loaded at last.');
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(3_000);
  });

  it('keeps each task to its own tabs', async () => {
    stack.model.enqueue(toolsetReply(browser('navigate', { url: `${web.origin}/text` })), endTurn('Opened.'));
    await runTask('open the notes');
    stack.model.enqueue(toolsetReply(browser('list_tabs')), toolsetReply(browser('get_page_text', { tab_id: 'tab_1' })), endTurn('Nothing of mine is open.'));
    expect(await runTask('what is open?')).toMatchObject({ reason: 'completed' });

    const [, , , listed, read] = requestsOfThisTest();
    expect(browserStates(listed!)[0]!.tabs).toEqual([]);
    expect(lastToolResults(read!)[0]).toMatchObject({ is_error: true, text: expect.stringContaining('There is no tab "tab_1" in this task') });
  });

  it('never repeats a browser action cut off by a worker crash: the model hears it may or may not have happened', async () => {
    const fetchedSlow = () => web.requests.filter((request) => request.path === '/slow').length;
    const before = fetchedSlow();
    stack.model.enqueue(toolsetReply(browser('navigate', { url: `${web.origin}/slow` })), endTurn('I will look again.'));
    const id = await startTask(stack.client, stack.config, { prompt: 'open the slow page while the desktop crashes', desktopId: stack.desktopId });

    const deadline = Date.now() + 30_000;
    while (fetchedSlow() === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fetchedSlow()).toBe(before + 1);
    await worker.kill();
    worker = await stack.startWorker();

    expect(await stack.client.workflow.getHandle(id).result()).toMatchObject({ reason: 'completed', text: 'I will look again.' });
    expect(lastToolResults(requestsOfThisTest()[1]!)).toEqual([{ tool_use_id: expect.any(String), is_error: true, toolset_name: 'browser', text: INTERRUPTED_BROWSER_ACTION_TEXT, images: 0 }]);
    expect(fetchedSlow()).toBe(before + 1);
    expect(stack.model.refusals).toEqual([]);
  });

  it('runs a script only after the person approves that very script: a declined one never reaches the site', async () => {
    const script = (marker: string) => `fetch('/script-ping?from=${marker}').then((response) => response.status)`;
    stack.model.enqueue(
      toolsetReply(browser('navigate', { url: `${web.origin}/text` }), browser('javascript_exec', { text: script('declined') })),
      toolsetReply(browser('javascript_exec', { text: script('approved') })),
      endTurn('Pinged.'),
    );
    const taskId = await startTask(stack.client, stack.config, { prompt: 'ping the site from the page', desktopId: stack.desktopId });
    const handle = stack.client.workflow.getHandle(taskId);
    const approvalOf = async (): Promise<{ id: string; tool: string; input: { text: string } } | undefined> =>
      ((await handle.describe()).memo as { progress?: { approval?: { id: string; tool: string; input: { text: string } } } } | undefined)?.progress?.approval;

    const first = await eventually(approvalOf, (value) => value !== undefined);
    expect(first).toMatchObject({ tool: 'javascript_exec', input: { text: script('declined') } });
    await handle.signal(approvalSignal, { approvalId: first!.id, approve: false });
    const second = await eventually(approvalOf, (value) => value !== undefined && value.id !== first!.id);
    expect(second!.input.text).toBe(script('approved'));
    await handle.signal(approvalSignal, { approvalId: second!.id, approve: true });

    expect(await handle.result()).toMatchObject({ reason: 'completed', text: 'Pinged.' });
    const pings = web.requests.filter((request) => request.path === '/script-ping');
    expect(pings).toHaveLength(1);
    const [declined] = lastToolResults(stack.model.requests[requestsBefore + 1]!).slice(-1);
    expect(declined).toMatchObject({ is_error: true, text: expect.stringMatching(/declined/) });
    expect(lastToolResults(stack.model.requests[requestsBefore + 2]!)[0]!.text).toMatch(/404/);
  });
});
