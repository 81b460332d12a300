import { WorkflowNotFoundError } from '@temporalio/client';
import type { MessageAccepted } from '../common/conversation-schemas.js';
import type { TaskMemo } from '../common/contract.js';
import { HttpError, notFound } from './http-error.js';
import type { TaskRunView, TaskWorkflows } from './task-workflows.js';

/**
 * The person's side of a conversation with a task: answering its question, deciding on an
 * action waiting for approval, and follow-ups. Each checks the task's state from its memo first,
 * so a reply to a task that is not asking is a clear 409, not a signal nobody reads.
 */
export interface ConversationService {
  answer(id: string, text: string): Promise<void>;
  decide(id: string, decision: { approve: boolean; always?: boolean }): Promise<void>;
  /** A running task reads it at its next decision; a finished one continues with it (same id). */
  message(id: string, text: string): Promise<MessageAccepted>;
}

export interface ConversationServiceDeps {
  workflows: TaskWorkflows;
  /** Called with the task id after it was told something, so phones see the change at once. */
  onChange?: (id: string) => void;
}

const conflict = (code: string, message: string): HttpError => new HttpError(409, code, message);

/** How the task stands, in the words the 409 messages use. */
function stateWords(view: TaskRunView): string {
  if (view.status !== 'RUNNING') return view.status === 'COMPLETED' ? 'finished' : view.status.toLowerCase().replace(/_/g, ' ');
  switch (view.memo.progress?.phase) {
    case 'needs_input':
      return 'waiting for an answer';
    case 'needs_approval':
      return 'waiting for an approval';
    case undefined:
    case 'queued':
      return 'queued';
    default:
      return 'running';
  }
}

/** A signal to a run that ended since it was described: the task is no longer waiting. */
function isGone(error: unknown): boolean {
  return error instanceof WorkflowNotFoundError;
}

export function createConversationService(deps: ConversationServiceDeps): ConversationService {
  const { workflows } = deps;

  async function view(id: string): Promise<TaskRunView> {
    const found = await workflows.describe(id);
    if (!found) throw notFound(`Task ${id}`);
    return found;
  }

  async function deliver(id: string, send: () => Promise<void>, notWaiting: () => HttpError): Promise<void> {
    try {
      await send();
    } catch (error) {
      if (isGone(error)) throw notWaiting();
      throw error;
    }
    deps.onChange?.(id);
  }

  async function continueFinished(id: string, memo: TaskMemo, text: string): Promise<MessageAccepted> {
    const result = await workflows.result(id);
    const started = await workflows.continueTask(id, memo, {
      text,
      transcriptRef: result.transcriptRef ?? null,
      stepsTaken: result.steps ?? 0,
      recentSteps: result.recentSteps ?? [],
    });
    // Another follow-up started the next run first: this message goes to that run instead.
    if (!started) await workflows.followUp(id, { text });
    deps.onChange?.(id);
    return { id, continued: started };
  }

  async function message(id: string, text: string, attempt = 1): Promise<MessageAccepted> {
    const task = await view(id);
    if (task.status === 'RUNNING') {
      try {
        await workflows.followUp(id, { text });
        deps.onChange?.(id);
        return { id, continued: false };
      } catch (error) {
        // It finished between the describe and the signal: continue it like any finished task.
        if (isGone(error) && attempt < 3) return message(id, text, attempt + 1);
        throw error;
      }
    }
    if (task.status === 'COMPLETED') return continueFinished(id, task.memo, text);
    throw conflict(
      'not_continuable',
      task.status === 'FAILED' || task.status === 'TERMINATED' || task.status === 'TIMED_OUT'
        ? 'This task stopped with an error, so it cannot continue. Retry it instead, and add what you wanted to say to the new task.'
        : `This task is ${stateWords(task)} and cannot continue. Retry it instead.`,
    );
  }

  return {
    async answer(id, text) {
      const task = await view(id);
      const question = task.memo.progress?.question;
      const notWaiting = () => conflict('not_waiting', `This task is not waiting for an answer; it is ${stateWords(task)}.`);
      if (task.status !== 'RUNNING' || task.memo.progress?.phase !== 'needs_input' || !question) throw notWaiting();
      await deliver(id, () => workflows.answer(id, { questionId: question.id, text }), notWaiting);
    },

    async decide(id, decision) {
      const task = await view(id);
      const approval = task.memo.progress?.approval;
      const notWaiting = () => conflict('not_waiting', `This task is not waiting for an approval; it is ${stateWords(task)}.`);
      if (task.status !== 'RUNNING' || task.memo.progress?.phase !== 'needs_approval' || !approval) throw notWaiting();
      const signal = { approvalId: approval.id, approve: decision.approve, ...(decision.approve && decision.always ? { always: true } : {}) };
      await deliver(id, () => workflows.decide(id, signal), notWaiting);
    },

    message: (id, text) => message(id, text),
  };
}
