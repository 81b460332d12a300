/**
 * Limits shared by every client and the workflow, in a module with no imports so the phone can
 * bundle it without pulling in anything else.
 */

/** The longest prompt (and answer, or follow-up message) a person can give a task, in characters. */
export const MAX_PROMPT_CHARS = 20_000;
