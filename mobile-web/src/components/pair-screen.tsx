import { useState } from 'preact/hooks';
import { ApiFailure, type ApiClient } from '../api.js';
import { defaultDeviceName } from '../pairing-link.js';

interface Props {
  api: ApiClient;
  code: string;
  onPaired: (token: string) => void;
  /** Present when this phone already has a token, to leave without pairing again. */
  onCancel?: () => void;
}

type Problem = { message: string; codeIsDead: boolean };

function problemFrom(error: unknown): Problem {
  if (error instanceof ApiFailure) {
    if (error.status === 401 || error.status === 410 || error.status === 404)
      return { codeIsDead: true, message: 'This pairing code has expired or was already used. Scan the QR code on your desktop again.' };
    if (error.status === 429) return { codeIsDead: false, message: 'Too many pairing attempts. Wait a minute, then try again.' };
    if (error.field === 'name') return { codeIsDead: false, message: `That name doesn't work: ${error.message}` };
    return { codeIsDead: false, message: error.message };
  }
  return { codeIsDead: false, message: 'Something went wrong while pairing. Try again.' };
}

/** Opened from the desktop's QR link: names this phone and exchanges the one-time code for a token. */
export function PairScreen({ api, code, onPaired, onCancel }: Props) {
  const [name, setName] = useState(() => defaultDeviceName(navigator.userAgent));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) {
      setProblem({ codeIsDead: false, message: 'Give this phone a name, so you can recognise it on the desktop.' });
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const { token } = await api.pair({ code, name: trimmed });
      onPaired(token);
    } catch (error) {
      setProblem(problemFrom(error));
      setBusy(false);
    }
  }

  return (
    <main class="screen screen--centered">
      <img class="hero-icon" src="/icons/icon.svg" alt="" width={96} height={96} />
      <h1>Pair this phone</h1>
      {problem?.codeIsDead ? (
        <p class="notice notice--error" role="alert">
          {problem.message}
        </p>
      ) : (
        <form class="stack" onSubmit={submit} noValidate>
          <p>Your desktop will let this phone dispatch tasks to it. What should it call this phone?</p>
          <label class="field">
            <span class="field__label">Name for this phone</span>
            <input
              class="input"
              type="text"
              name="name"
              autocomplete="off"
              maxLength={64}
              value={name}
              onInput={(event) => setName(event.currentTarget.value)}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? 'pair-problem' : undefined}
            />
          </label>
          <p id="pair-problem" class="form-error" role="alert">
            {problem?.message}
          </p>
          <button type="submit" class="button button--primary" disabled={busy} aria-busy={busy}>
            {busy ? 'Pairing…' : 'Pair this phone'}
          </button>
        </form>
      )}
      {onCancel && (
        <button type="button" class="button button--ghost" onClick={onCancel}>
          Back to my tasks
        </button>
      )}
    </main>
  );
}
