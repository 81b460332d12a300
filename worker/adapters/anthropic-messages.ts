import Anthropic from '@anthropic-ai/sdk';
import { ModelApiError, type MessagesPort } from '../../activities/model/messages-port.js';

/**
 * The only file that imports the Anthropic SDK. One client per worker, built once; the SDK's own
 * retries are off because Temporal owns retries (and honours retry-after) for the whole task.
 * ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL are read by the SDK as usual unless given here.
 */
export function createAnthropicMessages(options: { apiKey?: string; baseURL?: string; timeoutMs?: number }): MessagesPort {
  const client = new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    maxRetries: 0,
    timeout: options.timeoutMs ?? 5 * 60_000,
  });
  return {
    async create(request, signal) {
      try {
        const { betas, ...body } = request;
        const params = (betas.length > 0 ? { ...body, betas } : body) as unknown as Parameters<typeof client.beta.messages.create>[0];
        return await client.beta.messages.create(params, { signal });
      } catch (error) {
        throw toModelApiError(error);
      }
    },
  };
}

function toModelApiError(error: unknown): unknown {
  if (error instanceof Anthropic.APIConnectionTimeoutError) return new ModelApiError(error.message, undefined, undefined, true);
  if (error instanceof Anthropic.APIConnectionError) return new ModelApiError(error.message, undefined, undefined);
  if (error instanceof Anthropic.APIError) {
    const body = error.error as { error?: { message?: string } } | undefined;
    const message = body?.error?.message ?? error.message;
    return new ModelApiError(message, error.status, retryAfterMs(error.headers));
  }
  return error;
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const milliseconds = headers?.get('retry-after-ms');
  if (milliseconds && Number.isFinite(Number(milliseconds))) return Math.max(0, Number(milliseconds));
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}
