import type { Client } from '@temporalio/client';
import type { DispatchConfig } from '../common/config.js';
import { MAX_PROMPT_CHARS } from '../common/limits.js';
import { createConversationService } from '../gateway/conversation-service.js';
import { HttpError } from '../gateway/http-error.js';
import { temporalTaskWorkflows } from '../gateway/task-workflows.js';
import { UsageError, ExitCode } from './usage.js';

type Write = (line: string) => void;

/** What the person says to a task from the terminal. */
export type ConversationAction =
  | { kind: 'answer'; id: string; text: string }
  | { kind: 'approval'; id: string; approve: boolean; always: boolean }
  | { kind: 'say'; id: string; text: string };

/** The person's words, checked as the API checks them (1 to 20,000 characters). */
export function checkPersonText(command: string, text: string | undefined): string {
  const trimmed = (text ?? '').trim();
  if (trimmed === '' || trimmed.length > MAX_PROMPT_CHARS) {
    throw new UsageError(`${command} takes the text in quotes, 1 to ${MAX_PROMPT_CHARS.toLocaleString()} characters.`, command);
  }
  return trimmed;
}

/**
 * `answer`, `approve`, `decline` and `say`: the same conversation service the phone's cards and
 * reply box use, in-process, so the rules are the same (409 when the task is not waiting for
 * that, a finished task continues on `say`), and the words reach the task as durable signals.
 */
export async function runConversationCommand(client: Client, config: Readonly<DispatchConfig>, action: ConversationAction, write: Write): Promise<number> {
  const conversation = createConversationService({ workflows: temporalTaskWorkflows(client, config) });
  try {
    switch (action.kind) {
      case 'answer':
        await conversation.answer(action.id, action.text);
        write(`Answered ${action.id}; the agent goes on with it.`);
        break;
      case 'approval':
        await conversation.decide(action.id, { approve: action.approve, ...(action.always ? { always: true } : {}) });
        write(action.approve ? `Approved${action.always ? ' (and the same tool for the rest of the task)' : ''}; ${action.id} goes on.` : `Declined; ${action.id} goes on without it.`);
        break;
      case 'say': {
        const accepted = await conversation.message(action.id, action.text);
        write(accepted.continued ? `${action.id} had finished; it continues with your message.` : `${action.id} reads your message at its next step.`);
        break;
      }
    }
    return ExitCode.done;
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    write(error.message);
    return ExitCode.failed;
  }
}
