import Anthropic from '@anthropic-ai/sdk';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  endTurn,
  lastToolResults,
  startFakeMessagesApi,
  toolsetCall,
  toolsetReply,
  toolUseReply,
  type FakeMessagesApi,
} from '../helpers/fake-messages-api.js';
import { novemberRequest, pngBase64, toolsetRequest } from '../helpers/messages-fixtures.js';

let shot = '';
let fake: FakeMessagesApi;
let client: Anthropic;

beforeAll(async () => {
  shot = await pngBase64(64, 40);
});
beforeEach(async () => {
  fake = await startFakeMessagesApi();
  client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: fake.baseURL, maxRetries: 0 });
});
afterEach(() => fake.close());

describe('the fake Messages API, as the real SDK meets it', () => {
  it('answers a refused request in the real error shape, without using a scripted reply', async () => {
    fake.enqueue(endTurn('kept for the good request'));
    const error = await client.beta.messages.create(novemberRequest(shot)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    const apiError = error as InstanceType<typeof Anthropic.BadRequestError>;
    expect(apiError.status).toBe(400);
    expect(apiError.requestID).toMatch(/^req_/);
    expect(apiError.error).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: expect.stringContaining("requires the beta header 'anthropic-beta: computer-use-2025-11-24'") },
      request_id: apiError.requestID,
    });
    expect(fake.requests).toHaveLength(0);
    expect(fake.refusals).toHaveLength(1);
    expect(fake.refusals[0]!.refusal.status).toBe(400);

    const reply = await client.beta.messages.create({ ...novemberRequest(shot), betas: ['computer-use-2025-11-24'] });
    expect(reply.content).toEqual([{ type: 'text', text: 'kept for the good request' }]);
    expect(fake.requests).toHaveLength(1);
  });

  it('answers an unknown model with 404 not_found_error', async () => {
    const error = await client.messages.create({ ...toolsetRequest(shot), model: 'claude-opus-9' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect((error as InstanceType<typeof Anthropic.NotFoundError>).error).toMatchObject({ error: { type: 'not_found_error', message: 'model: claude-opus-9' } });
  });

  it('passes the GA toolset dialect and echoes the model in its reply', async () => {
    fake.enqueue(endTurn('Renamed.'));
    const reply = await client.messages.create(toolsetRequest(shot, 'claude-sonnet-5-5-20260901'));
    expect(reply.model).toBe('claude-sonnet-5-5-20260901');
    expect(fake.requests[0]!.headers['anthropic-beta']).toBeUndefined();
  });

  it('scripts a batch of toolset members, mixed with a file tool, as tool_use blocks carrying toolset_name', async () => {
    fake.enqueue(
      toolsetReply(toolsetCall('left_click', { coordinate: [5, 5] }, { id: 'toolu_click' }), toolsetCall('navigate', { url: 'https://example.org' }, { toolset: 'browser' })),
      toolUseReply(toolsetCall('type', { text: 'hi' }, { id: 'toolu_type' }), { name: 'file_manager', input: { op: 'list' }, id: 'toolu_files' }),
    );
    const batch = await client.messages.create(toolsetRequest(shot));
    expect(batch.stop_reason).toBe('tool_use');
    expect(batch.content).toEqual([
      { type: 'tool_use', id: 'toolu_click', name: 'left_click', input: { coordinate: [5, 5] }, toolset_name: 'computer' },
      { type: 'tool_use', id: expect.stringMatching(/^toolu_/), name: 'navigate', input: { url: 'https://example.org' }, toolset_name: 'browser' },
    ]);
    const mixed = await client.messages.create(toolsetRequest(shot));
    expect(mixed.content.map((block) => [block.type === 'tool_use' && block.name, block.type === 'tool_use' && block.toolset_name])).toEqual([
      ['type', 'computer'],
      ['file_manager', undefined],
    ]);
  });

  it('reports each tool result of the last turn with its toolset and image count', async () => {
    fake.enqueue(endTurn('Done.'));
    await client.messages.create(toolsetRequest(shot));
    expect(lastToolResults(fake.requests[0]!)).toEqual([
      { tool_use_id: 'toolu_a', is_error: undefined, toolset_name: 'computer', text: 'Clicked.', images: 0 },
      { tool_use_id: 'toolu_b', is_error: undefined, toolset_name: 'computer', text: '', images: 1 },
      { tool_use_id: 'toolu_c', is_error: undefined, text: 'report.txt', images: 0 },
    ]);
  });
});
