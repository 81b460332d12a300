import { ServiceError, type Client } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PROMPT_ATTRIBUTE, PROMPT_ATTRIBUTE_MAX_CHARS, promptAttributeHint, promptAttributeValue, startWithPromptAttribute } from '../../common/prompt-search-attribute.js';

/** What the client throws when the server refuses a start with INVALID_ARGUMENT. */
function invalidArgument(details: string): ServiceError {
  const grpc = Object.assign(new Error(`3 INVALID_ARGUMENT: ${details}`), { code: 3, details, metadata: {} });
  return new ServiceError('Failed to start Workflow', { cause: grpc });
}

const noAttribute = invalidArgument('Namespace default has no mapping defined for search attribute DispatchPrompt');

/** A start that records what it was given and answers from a script (an error, or a run id). */
function scriptedStart(...answers: Array<Error | string>) {
  const calls: SearchAttributePair[][] = [];
  const start = async (attributes: SearchAttributePair[]) => {
    calls.push(attributes);
    const answer = answers.shift() ?? 'run';
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { calls, start };
}

describe("the prompt's search attribute", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("is the prompt's first line that is not blank, trimmed", () => {
    expect(promptAttributeValue('\n  \n  Renew the parking permit  \nThe form is at https://example.com\n')).toBe('Renew the parking permit');
    expect(promptAttributeValue('one\r\ntwo')).toBe('one');
  });

  it('cuts a long line to a Keyword every visibility store keeps, without splitting a character', () => {
    const long = `${'😀'.repeat(PROMPT_ATTRIBUTE_MAX_CHARS)} and more`;
    const value = promptAttributeValue(long);
    expect(Array.from(value)).toHaveLength(PROMPT_ATTRIBUTE_MAX_CHARS);
    expect(value).toBe(`${'😀'.repeat(PROMPT_ATTRIBUTE_MAX_CHARS - 1)}…`);
    expect(Buffer.byteLength(value)).toBeLessThanOrEqual(400);
    expect(promptAttributeValue('x'.repeat(PROMPT_ATTRIBUTE_MAX_CHARS))).toBe('x'.repeat(PROMPT_ATTRIBUTE_MAX_CHARS));
  });

  it('starts a task without it where the namespace lacks it, and tries it again after a minute', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const client = {} as Client;
    const first = scriptedStart(noAttribute, 'run-1');
    expect(await startWithPromptAttribute(client, 'file the invoices', first.start)).toBe('run-1');
    expect(first.calls).toEqual([[{ key: PROMPT_ATTRIBUTE, value: 'file the invoices' }], []]);

    const soon = scriptedStart('run-2');
    expect(await startWithPromptAttribute(client, 'pay the bill', soon.start)).toBe('run-2');
    expect(soon.calls).toEqual([[]]);

    vi.advanceTimersByTime(61_000);
    const later = scriptedStart('run-3');
    await startWithPromptAttribute(client, 'pay the bill', later.start);
    expect(later.calls).toEqual([[{ key: PROMPT_ATTRIBUTE, value: 'pay the bill' }]]);
  });

  it('lets any other refusal through: without the attribute a bad start still fails, with its own error', async () => {
    const tooBig = invalidArgument('memo size exceeds limit');
    const refused = scriptedStart(tooBig, tooBig);
    await expect(startWithPromptAttribute({} as Client, 'summarise the quarter', refused.start)).rejects.toBe(tooBig);

    const unavailable = new ServiceError('Failed to start Workflow', { cause: Object.assign(new Error('14 UNAVAILABLE'), { code: 14, details: 'down', metadata: {} }) });
    const down = scriptedStart(unavailable);
    await expect(startWithPromptAttribute({} as Client, 'summarise the quarter', down.start)).rejects.toBe(unavailable);
    expect(down.calls).toHaveLength(1);
  });

  it('tells how to register it on a cluster and on Temporal Cloud', () => {
    const hint = promptAttributeHint('acme.a1b2c');
    expect(hint).toContain('temporal operator search-attribute create --namespace acme.a1b2c --name DispatchPrompt --type Keyword');
    expect(hint).toContain('tcld namespace search-attributes add --namespace acme.a1b2c --search-attribute "DispatchPrompt=Keyword"');
  });
});
