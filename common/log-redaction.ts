/**
 * What may not reach a log: API keys, device tokens, pairing codes, passwords, and images. The
 * logger runs every field and message through here, so a careless `logger.info('x', { config })`
 * cannot leak them. Keys decide first (a `token` field is a secret whatever it holds); values are
 * checked too, for secrets that travel inside text (an `sk-ant-…` key in an error message, a
 * pairing link's `#pair=` code) and for images or other bulk data.
 */

const REDACTED = '[redacted]';
/** Field names whose value is a secret: …key, …token, and anything naming a secret outright. */
const SECRET_SUFFIX = /(key|token)$/;
const SECRET_ANYWHERE = /secret|password|passphrase|authorization|cookie|credential/;
/** Field names ending in "code": exit and status codes are kept, pairing and one-time codes are not. */
const CODE_SUFFIX = /code$/;
/** An errno or error-code name (ECONNREFUSED, ERR_INVALID_ARG): an identifier, never a secret. */
const ERROR_CODE_NAME = /^[A-Z][A-Z0-9_]{1,63}$/;
const MAX_TEXT = 2_000;
const MAX_DEPTH = 5;

const SECRET_IN_TEXT: Array<[RegExp, string]> = [
  [/sk-ant-[A-Za-z0-9_-]{4,}/g, 'sk-ant-[redacted]'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [redacted]'],
  [/([#?&](?:pair|code|token)=)[^&#\s"']+/gi, '$1[redacted]'],
];
/** The start of a PNG, JPEG, WebP or GIF in base64, or a data URL: an image, never logged. */
const IMAGE_TEXT = /^(data:image\/|iVBORw0KGgo|\/9j\/|UklGR|R0lGOD)/;

function normalise(key: string): string {
  return key.toLowerCase().replace(/[^a-z]/g, '');
}

/** Whether a field of this name holding this value must be hidden. */
export function isSecretField(key: string, value: unknown): boolean {
  const name = normalise(key);
  if (SECRET_SUFFIX.test(name) || SECRET_ANYWHERE.test(name)) return value !== undefined && value !== null && value !== '';
  if (CODE_SUFFIX.test(name)) {
    if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean') return false;
    return !(typeof value === 'string' && ERROR_CODE_NAME.test(value));
  }
  return false;
}

/** Text with embedded secrets masked, images replaced by a note, and its length capped. */
export function redactText(text: string): string {
  if (text.length > 200 && IMAGE_TEXT.test(text)) return `[image data, ${text.length} characters]`;
  let result = text;
  for (const [pattern, replacement] of SECRET_IN_TEXT) result = result.replace(pattern, replacement);
  return result.length > MAX_TEXT ? `${result.slice(0, MAX_TEXT)}… [${result.length - MAX_TEXT} more characters]` : result;
}

function redactValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[${(value as ArrayBuffer).byteLength} bytes]`;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  seen.add(value);
  if (value instanceof Error) {
    const cause = (value as { cause?: unknown }).cause;
    return {
      type: value.name,
      message: redactText(value.message),
      ...(value.stack ? { stack: redactText(value.stack) } : {}),
      ...(cause !== undefined ? { cause: redactValue(cause, depth + 1, seen) } : {}),
    };
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => redactValue(item, depth + 1, seen));
  return redactEntries(value as Record<string, unknown>, depth + 1, seen);
}

function redactEntries(fields: Record<string, unknown>, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [key, isSecretField(key, value) ? REDACTED : redactValue(value, depth, seen)]),
  );
}

/**
 * A log record's fields, safe to write: secret fields replaced by "[redacted]" (at any depth),
 * secrets and images inside text masked, errors turned into plain `{ type, message, stack }`
 * records, binary data reduced to its size. Numbers under `code`/`exitCode`/`statusCode` stay.
 */
export function redactFields(fields: Record<string, unknown> | undefined): Record<string, unknown> {
  return fields ? redactEntries(fields, 0, new WeakSet()) : {};
}
