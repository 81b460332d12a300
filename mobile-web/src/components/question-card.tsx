import { useState } from 'preact/hooks';
import type { TaskDetail } from '../../../common/api-schemas.js';
import { ApiFailure, type ApiClient } from '../api.js';

type Question = NonNullable<TaskDetail['question']>;

interface Props {
  api: ApiClient;
  taskId: string;
  /** Keyed by its id: a new question gets a fresh card. */
  question: Question;
}

/** The agent's question, its options as big buttons (one tap answers), and a free-text answer. */
export function QuestionCard({ api, taskId, question }: Props) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<string | null>(null);
  const [problem, setProblem] = useState('');

  async function answer(value: string) {
    if (busy || !value.trim()) return;
    setBusy(true);
    setProblem('');
    try {
      await api.answerTask(taskId, value.trim());
      setSent(value.trim());
    } catch (error) {
      setProblem(error instanceof ApiFailure ? error.message : 'Could not send your answer. Try again.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="ask-card" aria-labelledby="question-heading">
      <h2 id="question-heading" class="ask-card__heading">
        The agent asks
      </h2>
      <p class="ask-card__question">{question.text}</p>
      {sent !== null ? (
        <p class="ask-card__sent" role="status">
          You answered “{sent}”. The task carries on as soon as your desktop reads it.
        </p>
      ) : (
        <>
          {question.options && question.options.length > 0 && (
            <div class="ask-card__options">
              {question.options.map((option) => (
                <button key={option} type="button" class="button ask-card__option" disabled={busy} onClick={() => answer(option)}>
                  {option}
                </button>
              ))}
            </div>
          )}
          <form
            class="stack"
            onSubmit={(event) => {
              event.preventDefault();
              void answer(text);
            }}
          >
            <label class="field">
              <span class="field__label">{question.options?.length ? 'Or answer in your words' : 'Your answer'}</span>
              <textarea class="input" rows={2} maxLength={20_000} value={text} onInput={(event) => setText(event.currentTarget.value)} />
            </label>
            <button type="submit" class="button button--primary" disabled={busy || !text.trim()} aria-busy={busy}>
              {busy ? 'Sending…' : 'Send answer'}
            </button>
          </form>
        </>
      )}
      {problem && (
        <p class="form-error" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}
