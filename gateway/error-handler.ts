import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type { Logger } from '../common/logger.js';
import { HttpError } from './http-error.js';

export const MAX_BODY_BYTES = 64 * 1024;

/** JSON bodies for /api, at most 64 KB; what it rejects is answered by {@link createErrorHandler}. */
export const apiBodyParser: RequestHandler = express.json({ limit: MAX_BODY_BYTES, strict: true });

/**
 * The one place request failures become responses: `{ error: { code, message, field? } }` with a
 * status a client can act on. Unexpected errors are logged and answered with 500 without
 * details; nothing a request does stops the gateway.
 */
export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    if (error instanceof HttpError) {
      res.status(error.status).set(error.headers).json({ error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } });
      return;
    }
    const parserError = error as { type?: string; status?: number };
    if (parserError.type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'malformed_json', message: 'The request body is not valid JSON.' } });
      return;
    }
    if (parserError.type === 'entity.too.large') {
      res.status(413).json({ error: { code: 'too_large', message: `The request body is larger than ${MAX_BODY_BYTES / 1024} KB.` } });
      return;
    }
    if (parserError.status && parserError.status >= 400 && parserError.status < 500) {
      res.status(parserError.status).json({ error: { code: 'bad_request', message: 'The request could not be read.' } });
      return;
    }
    logger.error('request failed', { error: error instanceof Error ? error.message : String(error) });
    res.status(500).json({ error: { code: 'internal', message: 'Something went wrong on the desktop; the task list is unchanged.' } });
  };
}
