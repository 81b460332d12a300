/**
 * A desktop id, and so the name of its task queue: a letter or digit, then up to 62 letters,
 * digits, dots, dashes or underscores. The one definition config, the CLI, the worker and the API
 * check against; it imports nothing, so the CLI can check a flag without loading anything else.
 */
export const DESKTOP_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
