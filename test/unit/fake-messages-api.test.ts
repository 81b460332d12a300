import { beforeAll, describe, expect, it } from 'vitest';
import {
  browserRequest,
  januaryRequest,
  JANUARY_BETA,
  novemberRequest,
  NOVEMBER_BETA,
  pngBase64,
  toolsetRequest,
  type Mutable,
} from '../helpers/messages-fixtures.js';
import { checkMessagesRequest, type Refusal } from '../helpers/messages-request-rules.js';

let shot = '';
beforeAll(async () => {
  shot = await pngBase64(64, 40);
});

/** Builds a request, lets the test break one thing, and returns the fake's verdict. */
function verdict(build: () => Mutable, change: (request: Mutable) => void = () => {}, headers: Record<string, string> = NOVEMBER_BETA): Refusal | undefined {
  const request = build();
  change(request);
  return checkMessagesRequest(request, headers);
}

const bad = (message: RegExp | string) => ({ status: 400, type: 'invalid_request_error', message: typeof message === 'string' ? message : expect.stringMatching(message) });

describe('the fake Messages API accepts what the real one accepts', () => {
  it('passes a well-formed request of each dialect', () => {
    expect(verdict(() => novemberRequest(shot))).toBeUndefined();
    expect(verdict(() => januaryRequest(shot), undefined, JANUARY_BETA)).toBeUndefined();
    expect(verdict(() => toolsetRequest(shot), undefined, {})).toBeUndefined();
    expect(verdict(() => browserRequest(), undefined, {})).toBeUndefined();
  });

  it('lets a toolset model that is not 5.5 also take computer_20251124 with its beta', () => {
    expect(verdict(() => novemberRequest(shot, 'claude-opus-4-8'))).toBeUndefined();
    expect(verdict(() => novemberRequest(shot, 'claude-mythos-5-1-20260301'))).toBeUndefined();
  });
});

describe('the model', () => {
  it.each([[42], [''], [undefined]])('refuses a model id that is not a non-empty string (%j)', (model) => {
    expect(verdict(() => novemberRequest(shot), (r) => (r.model = model))).toEqual(bad(/^model: /));
  });

  it('answers an unknown model with 404 not_found_error naming it', () => {
    expect(verdict(() => novemberRequest(shot, 'claude-sonnet-9'))).toEqual({ status: 404, type: 'not_found_error', message: 'model: claude-sonnet-9' });
    expect(verdict(() => novemberRequest(shot, 'claude-sonnet-4-6-latest'))?.status).toBe(404);
  });
});

describe('max_tokens', () => {
  it.each([[0], [1.5], [128_001], [undefined], ['4096']])('refuses %j', (maxTokens) => {
    expect(verdict(() => novemberRequest(shot), (r) => (r.max_tokens = maxTokens))).toEqual(bad(/^max_tokens: /));
  });
});

describe('messages', () => {
  it('refuses an empty list', () => {
    expect(verdict(() => novemberRequest(shot), (r) => (r.messages = []))).toEqual(bad(/^messages: .*non-empty/));
  });

  it('refuses a conversation that starts with the assistant', () => {
    expect(verdict(() => novemberRequest(shot), (r) => r.messages.unshift({ role: 'assistant', content: 'Hi.' }))).toEqual(bad(/^messages\.0: .*first message.*user/));
  });

  it('refuses two user turns in a row', () => {
    expect(verdict(() => novemberRequest(shot), (r) => r.messages.push({ role: 'user', content: 'And then?' }))).toEqual(bad(/^messages\.3: roles must alternate/));
  });

  it.each([[[]], [''], [42]])('refuses content %j', (content) => {
    expect(verdict(() => novemberRequest(shot), (r) => (r.messages[0].content = content))).toEqual(bad(/^messages\.0(\.content)?: /));
  });

  it('refuses an empty text block', () => {
    expect(verdict(() => novemberRequest(shot), (r) => (r.messages[0].content[0].text = ''))).toEqual(bad('messages.0.content.0: text content blocks must be non-empty'));
  });
});

describe('tool calls and their results', () => {
  it('refuses a tool_use left unanswered in the next user turn', () => {
    const refusal = verdict(() => toolsetRequest(shot), (r) => r.messages[2].content.splice(1, 1), {});
    expect(refusal).toEqual(bad(/^messages\.2: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_b/));
  });

  it('refuses a tool_result that answers no call of the turn before', () => {
    const stray = { type: 'tool_result', tool_use_id: 'toolu_elsewhere', content: 'Done.' };
    const refusal = verdict(() => novemberRequest(shot), (r) => r.messages[2].content.push(stray));
    expect(refusal).toEqual(bad(/^messages\.2\.content\.1: unexpected `tool_use_id` .*toolu_elsewhere/));
  });

  it('refuses text placed before a tool_result: tool results come first', () => {
    const refusal = verdict(() => novemberRequest(shot), (r) => r.messages[2].content.unshift({ type: 'text', text: 'Here you go.' }));
    expect(refusal).toEqual(bad(/^messages\.2\.content\.1: tool_result blocks must come first/));
  });

  it('refuses an is_error result with nothing in it', () => {
    const refusal = verdict(() => novemberRequest(shot), (r) => Object.assign(r.messages[2].content[0], { is_error: true, content: [] }));
    expect(refusal).toEqual(bad(/is_error tool_result must have non-empty content/));
  });
});

describe('toolset calls', () => {
  it.each([
    ['missing', undefined],
    ['different', 'browser'],
  ])('refuses a member result whose toolset_name is %s', (_label, toolsetName) => {
    const refusal = verdict(() => toolsetRequest(shot), (r) => (r.messages[2].content[0].toolset_name = toolsetName), {});
    expect(refusal).toEqual(bad(/^messages\.2\.content\.0: tool_result for a toolset member must carry toolset_name 'computer'/));
  });

  it('refuses a member result holding anything but text and images', () => {
    const doc = { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'x' } };
    const refusal = verdict(() => toolsetRequest(shot), (r) => r.messages[2].content[0].content.push(doc), {});
    expect(refusal).toEqual(bad(/^messages\.2\.content\.0\.content\.1: .*only text, image blocks, not document/));
  });

  it('refuses an image in an is_error member result, which may hold only text', () => {
    const refusal = verdict(() => toolsetRequest(shot), (r) => (r.messages[2].content[1].is_error = true), {});
    expect(refusal).toEqual(bad(/^messages\.2\.content\.1\.content\.0: an is_error toolset result may hold only text/));
  });
});

describe('cache breakpoints', () => {
  it('refuses a fifth cache_control, counting blocks inside tool results', () => {
    const refusal = verdict(
      () => novemberRequest(shot),
      (r) => {
        r.messages[0].content[0].cache_control = { type: 'ephemeral' };
        r.messages[2].content[0].content[0].cache_control = { type: 'ephemeral' };
        r.tools[0].cache_control = { type: 'ephemeral' };
      },
    );
    expect(refusal).toEqual(bad('A maximum of 4 blocks with cache_control may be provided. Found 6.'));
  });
});

describe('system', () => {
  it.each([[42], [[{ type: 'image' }]], [[{ type: 'text', text: '' }]]])('refuses %j', (system) => {
    expect(verdict(() => novemberRequest(shot), (r) => (r.system = system))).toEqual(bad(/^system/));
  });
});

describe('tools and dialects', () => {
  it('refuses the single computer tool on a 5.5 model, as the real API words it', () => {
    const refusal = verdict(() => novemberRequest(shot, 'claude-opus-5-5'));
    expect(refusal).toEqual(bad("'claude-opus-5-5' does not support tool types: computer_20251124"));
    expect(verdict(() => januaryRequest(shot), (r) => (r.model = 'claude-haiku-5-5'), JANUARY_BETA)).toEqual(bad("'claude-haiku-5-5' does not support tool types: computer_20250124"));
  });

  it('refuses a tool version the model was not trained on', () => {
    expect(verdict(() => toolsetRequest(shot, 'claude-sonnet-4-6'), undefined, {})).toEqual(bad("'claude-sonnet-4-6' does not support tool types: computer_toolset_20260801"));
    expect(verdict(() => novemberRequest(shot, 'claude-haiku-4-5'))).toEqual(bad("'claude-haiku-4-5' does not support tool types: computer_20251124"));
    expect(verdict(() => januaryRequest(shot), (r) => (r.model = 'claude-opus-4-6'), JANUARY_BETA)).toEqual(bad("'claude-opus-4-6' does not support tool types: computer_20250124"));
  });

  it('refuses a single computer tool without its beta header', () => {
    expect(verdict(() => novemberRequest(shot), undefined, {})).toEqual(bad(/computer_20251124 requires the beta header 'anthropic-beta: computer-use-2025-11-24'/));
    expect(verdict(() => januaryRequest(shot), undefined, NOVEMBER_BETA)).toEqual(bad(/computer-use-2025-01-24/));
  });

  it('refuses a tool type it does not know', () => {
    expect(verdict(() => novemberRequest(shot), (r) => (r.tools[1].type = 'text_editor_20990101'))).toEqual(bad("tools.1.type: unknown tool type 'text_editor_20990101'"));
  });

  it.each(['name', 'display_width_px', 'display_height_px', 'display_number', 'enable_zoom'])('refuses `%s` on a computer toolset entry', (key) => {
    const refusal = verdict(() => toolsetRequest(shot), (r) => (r.tools[0][key] = key === 'name' ? 'computer' : key === 'enable_zoom' ? true : 1), {});
    expect(refusal).toEqual(bad(new RegExp(`^tools\\.0\\.computer_toolset_20260801\\.${key}: Extra inputs are not permitted`)));
  });

  it('refuses toolset configs for members the family does not have, or with fields a config does not take', () => {
    expect(verdict(() => toolsetRequest(shot), (r) => (r.tools[0].configs.navigate = { enabled: true }), {})).toEqual(bad(/configs\.navigate: .*not a member of computer_toolset_20260801/));
    expect(verdict(() => toolsetRequest(shot), (r) => (r.tools[0].configs.zoom.visible = true), {})).toEqual(bad(/configs\.zoom\.visible: Extra inputs/));
    expect(verdict(() => toolsetRequest(shot), (r) => (r.tools[0].configs.zoom.enabled = 'no'), {})).toEqual(bad(/configs\.zoom\.enabled: .*boolean/));
    expect(verdict(() => browserRequest(), (r) => (r.tools[1].configs.cursor_position = {}), {})).toEqual(bad(/not a member of browser_toolset_20260801/));
    expect(verdict(() => browserRequest(), (r) => (r.tools[1].name = 'browser'), {})).toEqual(bad(/^tools\.1\.browser_toolset_20260801\.name: Extra inputs/));
  });

  it('refuses the computer toolset beside a single computer tool or another tool named computer', () => {
    const single = { type: 'computer_20251124', name: 'computer', display_width_px: 800, display_height_px: 600 };
    expect(verdict(() => toolsetRequest(shot, 'claude-opus-4-8'), (r) => r.tools.push(single))).toEqual(bad(/cannot share a request with computer_20251124/));
    const custom = { name: 'computer', input_schema: { type: 'object' } };
    expect(verdict(() => toolsetRequest(shot), (r) => r.tools.push(custom), {})).toEqual(bad(/cannot share a request with another tool named 'computer'/));
  });

  it('refuses custom tool names outside the pattern, and names used twice', () => {
    expect(verdict(() => novemberRequest(shot), (r) => (r.tools[2].name = 'file manager'))).toEqual(bad(/^tools\.2\.custom\.name: String should match pattern/));
    expect(verdict(() => novemberRequest(shot), (r) => (r.tools[2].name = 'x'.repeat(65)))).toEqual(bad(/^tools\.2\.custom\.name/));
    expect(verdict(() => novemberRequest(shot), (r) => r.tools.push({ name: 'file_manager', input_schema: { type: 'object' } }))).toEqual(bad(/Tool names must be unique. Found 'file_manager'/));
  });

  it('refuses the text editor under another name than its version takes', () => {
    expect(verdict(() => novemberRequest(shot), (r) => (r.tools[1].name = 'str_replace_editor'))).toEqual(bad("tools.1.text_editor_20250728.name: Input should be 'str_replace_based_edit_tool'"));
  });
});

describe('the fake refuses context editing it was not asked for properly', () => {
  it('needs the context-management beta header and known edit types', async () => {
    const { checkMessagesRequest } = await import('../helpers/messages-request-rules.js');
    const body = { model: 'claude-opus-5-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] } };
    expect(checkMessagesRequest(body, {})).toMatchObject({ status: 400, message: expect.stringMatching(/context-management-2025-06-27/) });
    expect(checkMessagesRequest(body, { 'anthropic-beta': 'context-management-2025-06-27' })).toBeUndefined();
    const unknown = { ...body, context_management: { edits: [{ type: 'forget_everything' }] } };
    expect(checkMessagesRequest(unknown, { 'anthropic-beta': 'context-management-2025-06-27' })).toMatchObject({ status: 400 });
  });
});
