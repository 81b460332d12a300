import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../../common/contract.js';
import { ModelApiError } from './messages-port.js';

/**
 * How many attempts each kind of failure gets before the task gives up with the reason, so no
 * task retries forever and blocks the desktop's line. A model that never answers costs a full
 * client timeout per attempt, so it gets few; an outage or rate limit, with back-off up to two
 * minutes between attempts, gets about an hour and a half.
 */
export const RETRY_BUDGET = { noAnswer: 3, unavailable: 40, badOutput: 5 } as const;

/** A failure that used up its kind's {@link RETRY_BUDGET}: the task fails, saying why. */
export function givingUp(failure: ApplicationFailure, attempts: number): ApplicationFailure {
  return ApplicationFailure.create({
    type: failure.type ?? ErrorType.modelUnavailable,
    message: `${failure.message.replace(/;? ?retrying\..*$/s, '')} Gave up after ${attempts} attempts.`,
    nonRetryable: true,
    details: failure.details ?? undefined,
  });
}

/**
 * Turns a failed Messages API call into the failure Temporal acts on. Outages and rate limits
 * (429, 5xx, 529, broken connections) are retried by Temporal, honouring `retry-after`; a request
 * the API will never accept (400, 401, 403, 404) fails the task at once with words a person on a
 * phone understands.
 */
export function classifyModelError(error: unknown, model: string, attempt = 1): ApplicationFailure {
  const failure = classifyOnce(error, model);
  if (failure.nonRetryable) return failure;
  const budget = error instanceof ModelApiError && error.timedOut ? RETRY_BUDGET.noAnswer : RETRY_BUDGET.unavailable;
  return attempt >= budget ? givingUp(failure, attempt) : failure;
}

function classifyOnce(error: unknown, model: string): ApplicationFailure {
  if (!(error instanceof ModelApiError)) {
    const message = error instanceof Error ? error.message : String(error);
    return ApplicationFailure.create({
      type: ErrorType.modelUnavailable,
      message: `Could not reach the model service: ${message}`,
      nonRetryable: false,
    });
  }
  const { status, retryAfterMs } = error;
  if (error.timedOut) {
    return ApplicationFailure.create({ type: ErrorType.modelUnavailable, message: `The model service did not answer in time; retrying. ${error.message}`, nonRetryable: false });
  }
  const detail = error.message;
  switch (status) {
    case 401:
      return permanent(ErrorType.modelAuth, 'The API key was refused by the model service. Check ANTHROPIC_API_KEY.', detail);
    case 403:
      return permanent(ErrorType.modelAuth, `The API key is not allowed to use ${model}.`, detail);
    case 404:
      return permanent(ErrorType.modelRequest, `The model service does not know the model "${model}". Check DISPATCH_MODEL.`, detail);
    case 400:
    case 413:
    case 422:
      return permanent(ErrorType.modelRequest, `The model service rejected the request: ${detail}`, detail);
    default:
      break;
  }
  const what = status === undefined ? 'could not be reached' : status === 429 ? 'is rate limiting us' : `is unavailable (${status})`;
  return ApplicationFailure.create({
    type: ErrorType.modelUnavailable,
    message: `The model service ${what}; retrying. ${detail}`,
    nonRetryable: status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 409 && status !== 429,
    nextRetryDelay: retryAfterMs,
  });
}

function permanent(type: string, message: string, detail: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true, details: [detail] });
}
