import { ToolError } from '@anthropic-ai/sdk/helpers/beta/toolsets';
import { describe, expect, it } from 'vitest';
import { pageKeySequence, pageModifiers } from '../../activities/browser/browser-keys.js';
import { browserToolsetDeclaration } from '../../activities/browser/browser-toolset.js';
import { BROWSER_VIEWPORT } from '../../activities/browser/chromium-launcher.js';
import { toolResultsMessage } from '../../activities/model/transcript.js';
import { LARGE_IMAGE_RULE, STANDARD_IMAGE_RULE } from '../../common/models.js';
import { describeBrowserCall } from '../../workflows/tool-families/browser-describe.js';
import { browserFamily } from '../../workflows/tool-families/browser.js';
import { checkMessagesRequest } from '../helpers/messages-request-rules.js';

describe('the browser toolset declaration', () => {
  it('offers every member, scripts and uploads included (each waits for the person\'s approval), with the console and network logs on', () => {
    expect(browserToolsetDeclaration()).toEqual({
      type: 'browser_toolset_20260801',
      configs: {
        read_console: { enabled: true },
        read_network: { enabled: true },
        javascript_exec: { enabled: true },
        file_upload: { enabled: true },
      },
    });
  });

  it('is accepted by the Messages API beside the computer toolset, and so is a result carrying browser_state', () => {
    const result = toolResultsMessage([
      {
        toolUseId: 'toolu_nav',
        toolsetName: 'browser',
        isError: false,
        text: 'Navigated to https://example.org/ — Example (HTTP 200)',
        blocks: [{ type: 'browser_state', tabs: [{ tab_id: 'tab_1', title: 'Example', url: 'https://example.org/', active: true }], state_changes: [{ type: 'tab_opened', tab_id: 'tab_1' }] }],
      },
    ]);
    const request = {
      model: 'claude-sonnet-5-5',
      max_tokens: 1024,
      tools: [{ type: 'computer_toolset_20260801' }, browserToolsetDeclaration()],
      messages: [
        { role: 'user', content: 'Open example.org.' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_nav', name: 'navigate', input: { url: 'https://example.org/' }, toolset_name: 'browser' }] },
        result,
      ],
    };
    expect(checkMessagesRequest(request, {})).toBeUndefined();
  });

  it('shows pages at a size every model reads unscaled, so screenshot pixels are viewport pixels', () => {
    for (const rule of [LARGE_IMAGE_RULE, STANDARD_IMAGE_RULE]) {
      const patches = Math.ceil(BROWSER_VIEWPORT.width / rule.patchSize) * Math.ceil(BROWSER_VIEWPORT.height / rule.patchSize);
      expect(Math.max(BROWSER_VIEWPORT.width, BROWSER_VIEWPORT.height)).toBeLessThanOrEqual(rule.maxLongEdge);
      expect(patches).toBeLessThanOrEqual(rule.maxPatches);
    }
  });
});

describe('keys sent to a page', () => {
  it('reads the same xdotool-style names as the computer toolset', () => {
    expect(pageKeySequence('ctrl+a Return')).toEqual([['ControlLeft', 'KeyA'], ['Enter']]);
    expect(pageKeySequence('shift+Tab Page_Down KP_Enter')).toEqual([['ShiftLeft', 'Tab'], ['PageDown'], ['NumpadEnter']]);
    expect(pageKeySequence('A')).toEqual([['ShiftLeft', 'KeyA']]);
  });

  it('holds only modifiers during a click, and says so otherwise', () => {
    expect(pageModifiers('cmd+shift')).toEqual(['Meta', 'Shift']);
    expect(pageModifiers(undefined)).toEqual([]);
    expect(() => pageModifiers('ctrl+a')).toThrow(ToolError);
    expect(() => pageKeySequence('ctrl+Retrun')).toThrow(/Unknown key name "Retrun".*Did you mean "return"/);
  });
});

describe('the browser family in the agent loop', () => {
  const call = (name: string, input: object) => ({ id: 'toolu_1', name, toolsetName: 'browser', input });

  it('owns browser members only, and never needs or changes the screen', () => {
    expect(browserFamily.owns(call('left_click', {}))).toBe(true);
    expect(browserFamily.owns({ id: 'x', name: 'left_click', toolsetName: 'computer', input: {} })).toBe(false);
    expect(browserFamily.owns({ id: 'x', name: 'navigate', input: {} })).toBe(false);
    expect(browserFamily.needsScreen(call('screenshot', {}))).toBe(false);
    expect(browserFamily.changesScreen(call('left_click', {}))).toBe(false);
  });

  it('answers later members of a failed turn in the SDK\'s own words (its runner\'s NOT_EXECUTED)', () => {
    expect(browserFamily.notExecutedAfterFailure(call('type', { text: 'x' }))).toBe('Not executed: an earlier action in this turn failed.');
  });

  it('describes each step for the phone without showing what was typed', () => {
    expect(describeBrowserCall('navigate', { url: 'https://example.org/a' })).toBe('open https://example.org/a');
    expect(describeBrowserCall('navigate', { url: 'back' })).toBe('go back');
    expect(describeBrowserCall('read_page', {})).toBe('read the page');
    expect(describeBrowserCall('left_click', { target: { type: 'ref', ref: 'ref_12' } })).toBe('click [ref_12]');
    expect(describeBrowserCall('double_click', { target: { type: 'coordinate', x: 40, y: 60 }, tab_id: 'tab_2' })).toBe('double click at (40, 60) in tab_2');
    expect(describeBrowserCall('type', { text: 'correct horse battery staple' })).toBe('type 28 characters');
    expect(describeBrowserCall('form_input', { target: { type: 'ref', ref: 'ref_3' }, value: 'hunter2' })).toBe('fill in [ref_3]');
    expect(describeBrowserCall('switch_tab', { tab_id: 'tab_2' })).toBe('switch to tab_2');
    expect(describeBrowserCall('find', { query: 'the Send button' })).toBe('find the Send button');
  });
});
