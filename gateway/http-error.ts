import type { ZodType } from 'zod';

/**
 * An error with the HTTP status and body the client gets. Routes throw these; the one error
 * middleware turns them into `{ error: { code, message, field? } }` responses.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound = (what: string): HttpError => new HttpError(404, 'not_found', `${what} was not found.`);
export const unauthorized = (message = 'Missing or invalid device token.'): HttpError =>
  new HttpError(401, 'unauthorized', message, undefined, { 'WWW-Authenticate': 'Bearer realm="opendispatch"' });
export const forbidden = (message: string): HttpError => new HttpError(403, 'forbidden', message);

/**
 * Validates untrusted input against a schema. A mismatch in a body or query is a 422 that names
 * the first field at fault, so a client (or a person with curl) knows exactly what to fix; path
 * parameters that do not match name nothing, a 404.
 */
export function parseInput<T>(schema: ZodType<T>, input: unknown, where: 'body' | 'params' | 'query' = 'body'): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join('.') : undefined;
  const message = field ? `${field}: ${issue.message}` : `Invalid ${where}: ${issue.message}`;
  return (() => {
    throw new HttpError(where === 'params' ? 404 : 422, where === 'params' ? 'not_found' : 'invalid_request', message, field);
  })();
}
