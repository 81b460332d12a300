import { condition, setHandler } from '@temporalio/workflow';
import { answerSignal, approvalSignal, followUpSignal, type PendingApproval, type PendingQuestion } from '../common/contract.js';

/** The most a person's message may hold, as for a prompt. */
const MAX_TEXT = 20_000;

/** How a wait for the person's approval ended. */
export type ApprovalVerdict = 'approved' | 'declined' | 'no_answer';

/**
 * Everything a task waits on a person for: answers to its questions, decisions on actions that
 * need approval, and messages sent while it runs. The waits are workflow conditions fed by
 * signals, so they survive a restart of everything and signals sent while the desktop is away.
 * An answer or decision names the question or approval it is for; a stale one is ignored.
 */
export interface PersonWaits {
  readonly question: PendingQuestion | undefined;
  readonly approval: PendingApproval | undefined;
  /** Asks and waits up to `timeoutMs`; undefined when no answer came. */
  ask(question: PendingQuestion, timeoutMs: number): Promise<string | undefined>;
  /** Asks for approval and waits up to `timeoutMs`; silence counts as declined, so nothing runs unapproved. */
  approve(approval: PendingApproval, timeoutMs: number): Promise<ApprovalVerdict>;
  /** Whether the person approved this tool for the rest of the task ("always"). */
  alwaysApproved(tool: string): boolean;
  /** Whether messages are waiting to be read by the model. */
  hasMessages(): boolean;
  /** The messages the person sent, oldest first; taking them empties the list. */
  takeMessages(): string[];
}

/** Registers the task's signal handlers; `changed` publishes the task's progress after each change. */
export function createPersonWaits(changed: () => void): PersonWaits {
  let question: PendingQuestion | undefined;
  let approval: PendingApproval | undefined;
  let answer: string | undefined;
  let decision: { approve: boolean; always: boolean } | undefined;
  const always = new Set<string>();
  const messages: string[] = [];
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, MAX_TEXT) : undefined);

  setHandler(answerSignal, (signal) => {
    if (question && signal?.questionId === question.id && answer === undefined) answer = text(signal.text);
  });
  setHandler(approvalSignal, (signal) => {
    if (approval && signal?.approvalId === approval.id && decision === undefined) decision = { approve: signal.approve === true, always: signal.always === true };
  });
  setHandler(followUpSignal, (signal) => {
    const message = text(signal?.text);
    if (message === undefined) return;
    messages.push(message);
    changed();
  });

  return {
    get question() {
      return question;
    },
    get approval() {
      return approval;
    },
    async ask(pending, timeoutMs) {
      question = pending;
      answer = undefined;
      changed();
      try {
        await condition(() => answer !== undefined, timeoutMs);
        return answer;
      } finally {
        question = undefined;
        changed();
      }
    },
    async approve(pending, timeoutMs) {
      approval = pending;
      decision = undefined;
      changed();
      try {
        if (!(await condition(() => decision !== undefined, timeoutMs))) return 'no_answer';
        if (decision!.approve && decision!.always) always.add(pending.tool);
        return decision!.approve ? 'approved' : 'declined';
      } finally {
        approval = undefined;
        changed();
      }
    },
    alwaysApproved: (tool) => always.has(tool),
    hasMessages: () => messages.length > 0,
    takeMessages: () => messages.splice(0),
  };
}
