import { useState } from 'preact/hooks';
import type { TaskDetail } from '../../../common/api-schemas.js';
import { ApiFailure, type ApiClient } from '../api.js';

type Approval = NonNullable<TaskDetail['approval']>;
type Decision = 'approve' | 'decline' | 'always';

interface Props {
  api: ApiClient;
  taskId: string;
  /** Keyed by its id: a new action waiting gets a fresh card. */
  approval: Approval;
}

/** The input exactly as it will run: text as it is, anything else as indented JSON. Never shortened. */
function wholeInput(input: unknown): string {
  if (typeof input === 'string') return input;
  return JSON.stringify(input, null, 2) ?? String(input);
}

const DONE: Record<Decision, string> = {
  approve: 'Approved. The task carries on as soon as your desktop reads it.',
  always: 'Approved for the rest of this task.',
  decline: 'Declined. The agent is told and decides what to do instead.',
};

/** An action waiting for the person: the tool, what it will do, its whole input, and one tap to decide. */
export function ApprovalCard({ api, taskId, approval }: Props) {
  const [busy, setBusy] = useState<Decision | null>(null);
  const [done, setDone] = useState<Decision | null>(null);
  const [problem, setProblem] = useState('');

  async function decide(decision: Decision) {
    if (busy) return;
    setBusy(decision);
    setProblem('');
    try {
      await api.decideApproval(taskId, decision !== 'decline', decision === 'always');
      setDone(decision);
    } catch (error) {
      setProblem(error instanceof ApiFailure ? error.message : 'Could not send your decision. Try again.');
    } finally {
      setBusy(null);
    }
  }

  return (
    <section class="ask-card ask-card--approval" aria-labelledby="approval-heading">
      <h2 id="approval-heading" class="ask-card__heading">
        Approve this action?
      </h2>
      <p class="ask-card__question">{approval.summary}</p>
      <p class="ask-card__tool">
        Tool: <code>{approval.tool}</code>
      </p>
      <pre class="ask-card__input" tabIndex={0} aria-label="Exactly what will run">
        {wholeInput(approval.input)}
      </pre>
      {done ? (
        <p class="ask-card__sent" role="status">
          {DONE[done]}
        </p>
      ) : (
        <div class="ask-card__decisions">
          <button type="button" class="button button--primary" disabled={busy !== null} aria-busy={busy === 'approve'} onClick={() => decide('approve')}>
            Approve
          </button>
          <button type="button" class="button button--danger" disabled={busy !== null} aria-busy={busy === 'decline'} onClick={() => decide('decline')}>
            Decline
          </button>
          <button type="button" class="button ask-card__always" disabled={busy !== null} aria-busy={busy === 'always'} onClick={() => decide('always')}>
            Always for this task
          </button>
        </div>
      )}
      {problem && (
        <p class="form-error" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}
