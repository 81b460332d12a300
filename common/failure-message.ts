/**
 * The innermost message of a failure chain: what actually went wrong, in the words it was raised
 * with. A task whose model call was refused fails as "Workflow execution failed" → "Activity task
 * failed" → "The API key was refused…"; only the last one tells a person what to do. The phone
 * (gateway/task-service.ts) and the CLI both show this, so they always say the same thing.
 */
export function failureMessage(error: unknown, fallback = 'The task failed.'): string {
  let current = error as { message?: unknown; cause?: unknown } | undefined;
  let message = typeof current?.message === 'string' && current.message !== '' ? current.message : fallback;
  const seen = new Set<unknown>();
  while (current?.cause && !seen.has(current.cause)) {
    seen.add(current.cause);
    current = current.cause as { message?: unknown; cause?: unknown };
    if (typeof current.message === 'string' && current.message !== '') message = current.message;
  }
  return message;
}
