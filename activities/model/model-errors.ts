import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../../common/contract.js';
import { ModelApiError } from './messages-port.js';

/**
 * Turns a failed Messages API call into the failure Temporal acts on. Outages and rate limits
 * (429, 5xx, 529, broken connections) are retried by Temporal, honouring `retry-after`; a request
 * the API will never accept (400, 401, 403, 404) fails the task at once with words a person on a
 * phone understands.
 */
export function classifyModelError(error: unknown, model: string): ApplicationFailure {
  if (!(error instanceof ModelApiError)) {
    const message = error instanceof Error ? error.message : String(error);
    return ApplicationFailure.create({
      type: ErrorType.modelUnavailable,
      message: `Could not reach the model service: ${message}`,
      nonRetryable: false,
    });
  }
  const { status, retryAfterMs } = error;
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
