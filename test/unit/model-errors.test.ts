import { describe, expect, it } from 'vitest';
import { ModelApiError } from '../../activities/model/messages-port.js';
import { classifyModelError } from '../../activities/model/model-errors.js';

describe('what a failed model call does to the task', () => {
  it('a refused API key fails the task at once with words a person understands', () => {
    const failure = classifyModelError(new ModelApiError('invalid x-api-key', 401, undefined), 'claude-sonnet-4-6');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe('ModelAuthError');
    expect(failure.message).toMatch(/API key was refused/);
  });

  it.each([400, 403, 404])('a %i is not retried', (status) => {
    expect(classifyModelError(new ModelApiError('no', status, undefined), 'm').nonRetryable).toBe(true);
  });

  it.each([429, 500, 503, 529])('a %i is retried, after the delay the service asked for', (status) => {
    const failure = classifyModelError(new ModelApiError('overloaded', status, 1500), 'm');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBe(1500);
  });

  it('a broken connection is retried', () => {
    const failure = classifyModelError(new ModelApiError('ECONNRESET', undefined, undefined), 'm');
    expect(failure.nonRetryable).toBe(false);
    expect(classifyModelError(new Error('socket hang up'), 'm').nonRetryable).toBe(false);
  });
});

describe('how long a failing model call is retried', () => {
  it('an outage is retried until its budget is spent, then the task fails saying why', () => {
    const outage = new ModelApiError('overloaded', 529, undefined);
    expect(classifyModelError(outage, 'm', 39).nonRetryable).toBe(false);
    const last = classifyModelError(outage, 'm', 40);
    expect(last.nonRetryable).toBe(true);
    expect(last.message).toMatch(/unavailable \(529\).*Gave up after 40 attempts/);
  });

  it('a model that never answers gets only a few attempts', () => {
    const silent = new ModelApiError('Request timed out.', undefined, undefined, true);
    expect(classifyModelError(silent, 'm', 2)).toMatchObject({ nonRetryable: false, message: expect.stringMatching(/did not answer in time/) });
    expect(classifyModelError(silent, 'm', 3)).toMatchObject({ nonRetryable: true, message: expect.stringMatching(/did not answer in time.*Gave up after 3 attempts/) });
  });
});
