import type { MessageCreateParamsNonStreaming as GaRequest } from '@anthropic-ai/sdk/resources/messages';
import type { MessageCreateParamsNonStreaming as BetaRequest } from '@anthropic-ai/sdk/resources/beta/messages';
import sharp from 'sharp';

/**
 * Well-formed Messages API requests of each dialect the product may speak, typed with the SDK's
 * own request types, for tests of the fake's rules to start from and break one thing at a time.
 * Each call returns a fresh copy; the `any` view lets a test break it in ways the types forbid.
 */
export type Mutable = any;

/** A small base64 PNG, the "screenshot" the fixtures show. */
export async function pngBase64(width: number, height: number): Promise<string> {
  return (await sharp({ create: { width, height, channels: 3, background: '#336699' } }).png().toBuffer()).toString('base64');
}

const png = (data: string) => ({ type: 'image' as const, source: { type: 'base64' as const, media_type: 'image/png' as const, data } });
const fileManager = {
  name: 'file_manager',
  description: 'Lists and moves files in the granted folders.',
  input_schema: { type: 'object' as const, properties: { op: { type: 'string' } } },
  cache_control: { type: 'ephemeral' as const },
};
const textEditor = { type: 'text_editor_20250728' as const, name: 'str_replace_based_edit_tool' as const };
const system = [{ type: 'text' as const, text: 'You drive a desktop for a person.', cache_control: { type: 'ephemeral' as const } }];

export const NOVEMBER_BETA = { 'anthropic-beta': 'computer-use-2025-11-24' };
export const JANUARY_BETA = { 'anthropic-beta': 'computer-use-2025-01-24' };

/** Beta dialect, `computer_20251124` with zoom, as the product sends it for Sonnet 4.6. */
export function novemberRequest(shot: string, model = 'claude-sonnet-4-6'): Mutable {
  return structuredClone({
    model,
    max_tokens: 4096,
    system,
    tools: [{ type: 'computer_20251124', name: 'computer', display_width_px: 1280, display_height_px: 800, enable_zoom: true }, textEditor, fileManager],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'Open my notes.' }, png(shot)] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'computer', input: { action: 'left_click', coordinate: [10, 10] } }] },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'Clicked.' }, png(shot)], cache_control: { type: 'ephemeral' } }],
      },
    ],
  } satisfies BetaRequest);
}

/** Beta dialect, `computer_20250124` on a dated model id, string content included. */
export function januaryRequest(shot: string): Mutable {
  return structuredClone({
    model: 'claude-sonnet-4-5-20250929',
    max_tokens: 1024,
    system: 'You drive a desktop for a person.',
    tools: [{ type: 'computer_20250124', name: 'computer', display_width_px: 1024, display_height_px: 768 }],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'What is on the screen?' }, png(shot)] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_9', name: 'computer', input: { action: 'screenshot' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: [png(shot)] }, { type: 'text', text: 'Go on.' }] },
    ],
  } satisfies BetaRequest);
}

/** GA dialect: the computer toolset on a 5.5 model, a batch of members beside a file tool. */
export function toolsetRequest(shot: string, model = 'claude-opus-5-5'): Mutable {
  return structuredClone({
    model,
    max_tokens: 8192,
    system,
    tools: [{ type: 'computer_toolset_20260801', configs: { zoom: { enabled: false }, hold_key: null } }, textEditor, fileManager],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'Rename the report.' }, png(shot)] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Clicking, then looking.' },
          { type: 'tool_use', id: 'toolu_a', name: 'left_click', input: { coordinate: [5, 5] }, toolset_name: 'computer' },
          { type: 'tool_use', id: 'toolu_b', name: 'screenshot', input: {}, toolset_name: 'computer' },
          { type: 'tool_use', id: 'toolu_c', name: 'str_replace_based_edit_tool', input: { command: 'view', path: '/tmp' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_a', toolset_name: 'computer', content: [{ type: 'text', text: 'Clicked.' }] },
          { type: 'tool_result', tool_use_id: 'toolu_b', toolset_name: 'computer', content: [png(shot)] },
          { type: 'tool_result', tool_use_id: 'toolu_c', content: 'report.txt', cache_control: { type: 'ephemeral' } },
        ],
      },
    ],
  } satisfies GaRequest);
}

/** GA dialect: both toolsets on Sonnet 5, a browser member answered with its state block. */
export function browserRequest(): Mutable {
  return structuredClone({
    model: 'claude-sonnet-5',
    max_tokens: 4096,
    tools: [{ type: 'computer_toolset_20260801' }, { type: 'browser_toolset_20260801', configs: { javascript_exec: { enabled: false }, navigate: {} } }],
    messages: [
      { role: 'user', content: 'Open the weather page.' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_n', name: 'navigate', input: { url: 'https://example.org' }, toolset_name: 'browser' }] },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 'toolu_n',
            toolset_name: 'browser',
            content: [
              { type: 'text', text: 'Navigated.' },
              { type: 'browser_state', tabs: [{ tab_id: 't1', title: 'Weather', url: 'https://example.org', active: true }] },
            ],
          },
        ],
      },
    ],
  } satisfies GaRequest);
}
