import { isGrpcServiceError, ServiceError, type Client, type ConnectionLike } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { Logger } from './logger.js';

/**
 * `DispatchPrompt`: the first line of a task's prompt, so the Temporal Web UI's workflow list can
 * show it as a column and filter by it (the list shows ids only, and a workflow's summary is not
 * searchable). A Keyword, not a Text: it matches the same way on every visibility store (`=` the
 * whole line, `STARTS_WITH` its start), where Text matches words by each store's own rules, and
 * stores allow far fewer Text attributes than Keyword ones (3 against 10 per namespace on SQL).
 */
export const PROMPT_ATTRIBUTE = defineSearchAttributeKey('DispatchPrompt', SearchAttributeType.KEYWORD);
/** The type as `temporal server start-dev --search-attribute` and `temporal operator search-attribute create` spell it. */
export const PROMPT_ATTRIBUTE_CLI_TYPE = 'Keyword';
/**
 * Characters kept of the line. SQL visibility stores hold a Keyword in a VARCHAR(255), where a
 * longer value is refused; 100 is a comfortable column, and at most 400 bytes of UTF-8.
 */
export const PROMPT_ATTRIBUTE_MAX_CHARS = 100;

/** `IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD`, as the operator service numbers it. */
const KEYWORD_INDEX: temporal.api.enums.v1.IndexedValueType = 2;
const GRPC_INVALID_ARGUMENT = 3;
/** After a start without the attribute, the next start tries it again no sooner than this. */
const RECHECK_AFTER_MS = 60_000;

/** The prompt's first line that is not blank, cut to {@link PROMPT_ATTRIBUTE_MAX_CHARS} characters with "…". */
export function promptAttributeValue(prompt: string): string {
  const line = prompt.trim().split(/\r\n|\r|\n/, 1)[0]!.trim();
  const characters = Array.from(line);
  return characters.length <= PROMPT_ATTRIBUTE_MAX_CHARS ? line : `${characters.slice(0, PROMPT_ATTRIBUTE_MAX_CHARS - 1).join('')}…`;
}

/** Per client: when a start last found the namespace without the attribute. */
const missingSince = new WeakMap<Client, number>();

/**
 * Runs `start` with the prompt's search attribute, and again without it when the server refuses
 * the first with INVALID_ARGUMENT: a cluster or Temporal Cloud namespace where nobody registered
 * `DispatchPrompt` still starts every task, only without the column. Such a namespace is
 * remembered for a minute, so starts do not pay a refused call each. A refusal for any other
 * reason is refused again without the attribute, and that error is thrown.
 */
export async function startWithPromptAttribute<T>(client: Client, prompt: string, start: (attributes: SearchAttributePair[]) => Promise<T>): Promise<T> {
  const value = promptAttributeValue(prompt);
  const since = missingSince.get(client);
  if (value === '' || (since !== undefined && Date.now() - since < RECHECK_AFTER_MS)) return start([]);
  try {
    const started = await start([{ key: PROMPT_ATTRIBUTE, value }]);
    missingSince.delete(client);
    return started;
  } catch (error) {
    const cause = error instanceof ServiceError ? error.cause : error;
    if (!(isGrpcServiceError(cause) && cause.code === GRPC_INVALID_ARGUMENT)) throw error;
    const started = await start([]);
    missingSince.set(client, Date.now());
    return started;
  }
}

/** Whether the namespace has `DispatchPrompt`; `unknown` when the server would not say. */
export async function promptAttributeState(connection: ConnectionLike, namespace: string): Promise<'registered' | 'missing' | 'unknown'> {
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    return customAttributes && PROMPT_ATTRIBUTE.name in customAttributes ? 'registered' : 'missing';
  } catch {
    return 'unknown';
  }
}

/**
 * Registers `DispatchPrompt` in the namespace when it lacks it. The embedded server registers it
 * when it creates its database (`--search-attribute`), but a database made by an earlier release
 * already has its namespace, and the flag adds nothing to an existing one.
 */
export async function registerPromptAttribute(connection: ConnectionLike, namespace: string): Promise<'registered' | 'added'> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  if (customAttributes && PROMPT_ATTRIBUTE.name in customAttributes) return 'registered';
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: { [PROMPT_ATTRIBUTE.name]: KEYWORD_INDEX } });
  return 'added';
}

/** How to register the attribute on a Temporal this desktop does not run, as one log line's text. */
export function promptAttributeHint(namespace: string): string {
  return (
    `Namespace ${namespace} has no ${PROMPT_ATTRIBUTE.name} search attribute, so tasks start without it and the Temporal Web UI ` +
    `cannot show or filter them by prompt. Register it once: on a self-hosted cluster ` +
    `\`temporal operator search-attribute create --namespace ${namespace} --name ${PROMPT_ATTRIBUTE.name} --type ${PROMPT_ATTRIBUTE_CLI_TYPE}\`, ` +
    `on Temporal Cloud \`tcld namespace search-attributes add --namespace ${namespace} --search-attribute "${PROMPT_ATTRIBUTE.name}=${PROMPT_ATTRIBUTE_CLI_TYPE}"\` ` +
    `(or the namespace's page in the Cloud UI). Tasks started after that carry it.`
  );
}

/** Logs {@link promptAttributeHint} when the namespace lacks the attribute; never throws. */
export async function warnIfPromptAttributeMissing(client: Client, logger: Logger): Promise<void> {
  if ((await promptAttributeState(client.connection, client.options.namespace)) === 'missing') logger.warn(promptAttributeHint(client.options.namespace));
}
