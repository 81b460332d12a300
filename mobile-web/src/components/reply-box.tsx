import { useState } from 'preact/hooks';
import type { TaskDetail } from '../../../common/api-schemas.js';
import { ApiFailure, type ApiClient } from '../api.js';
import { isFinished } from '../store.js';

interface Props {
  api: ApiClient;
  task: TaskDetail;
}

/** Talk to the task: a running one reads the message at its next decision; a finished one continues with it. */
export function ReplyBox({ api, task }: Props) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState('');
  const finished = isFinished(task.status);

  async function send() {
    if (busy || !text.trim()) return;
    setBusy(true);
    setProblem('');
    setNote('');
    try {
      const accepted = await api.sendMessage(task.id, text.trim());
      setText('');
      setNote(accepted.continued ? 'Sent. The task continues with your message.' : 'Sent. The agent reads it before its next step.');
    } catch (error) {
      setProblem(error instanceof ApiFailure ? error.message : 'Could not send your message. Try again.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      class="reply stack"
      onSubmit={(event) => {
        event.preventDefault();
        void send();
      }}
    >
      <label class="field">
        <span class="field__label">{finished ? 'Follow up on this task' : 'Tell the agent something'}</span>
        <textarea
          class="input"
          name="reply"
          rows={2}
          maxLength={20_000}
          placeholder={finished ? 'e.g. Now do the same for last month' : 'e.g. Use the shared drive, not Downloads'}
          value={text}
          onInput={(event) => setText(event.currentTarget.value)}
        />
      </label>
      <button type="submit" class="button" disabled={busy || !text.trim()} aria-busy={busy}>
        {busy ? 'Sending…' : finished ? 'Send follow-up' : 'Send message'}
      </button>
      {note && (
        <p class="muted" role="status">
          {note}
        </p>
      )}
      {problem && (
        <p class="form-error" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
