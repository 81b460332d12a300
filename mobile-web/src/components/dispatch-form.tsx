import { useEffect, useState } from 'preact/hooks';
import type { Desktop, ModelList } from '../../../common/api-schemas.js';
import { ApiFailure, type ApiClient } from '../api.js';
import type { ScheduleDraft } from '../route.js';
import { MAX_PROMPT_CHARS } from '../../../common/limits.js';
import { DesktopPicker } from './desktop-picker.js';

interface Props {
  api: ApiClient;
  desktops: Desktop[];
  /** The desktop picked (one of `desktops`); absent with a single desktop, so the task goes to the gateway's own. */
  desktopId: string | undefined;
  onDesktopChange: (id: string) => void;
  onDispatched: (taskId: string) => void;
  /** "Later…": the prompt (and the desktop and model picked) go to a new schedule instead. */
  onLater: (draft: ScheduleDraft) => void;
}

/**
 * The prompt box, the desktop picker (with more than one desktop), the model picker, Dispatch, and
 * Later… to schedule it. Cmd/Ctrl+Enter also dispatches. The model picker starts on the desktop's
 * default model; until the list arrives (or if it cannot be loaded) it is left out and the task
 * gets the desktop's default.
 */
export function DispatchForm({ api, desktops, desktopId, onDesktopChange, onDispatched, onLater }: Props) {
  const [prompt, setPrompt] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState('');
  const [models, setModels] = useState<ModelList | null>(null);
  const [model, setModel] = useState<string | undefined>(undefined);

  useEffect(() => {
    let current = true;
    api.listModels().then(
      (list) => current && setModels(list),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [api]);

  async function dispatch() {
    if (busy) return;
    if (!prompt.trim()) {
      setProblem('Type what your desktop should do first.');
      return;
    }
    if (prompt.length > MAX_PROMPT_CHARS) {
      setProblem(`That is ${prompt.length.toLocaleString()} characters; a task takes at most ${MAX_PROMPT_CHARS.toLocaleString()}. Shorten it, or put the details in a file and point to it.`);
      return;
    }
    setBusy(true);
    setProblem('');
    try {
      const chosen = model ?? models?.default;
      const created = await api.createTask({ prompt: prompt.trim(), ...(desktopId ? { desktopId } : {}), ...(chosen ? { model: chosen } : {}) });
      setPrompt('');
      onDispatched(created.id);
    } catch (error) {
      setProblem(error instanceof ApiFailure ? error.message : 'Could not dispatch the task. Try again.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      class="dispatch stack"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void dispatch();
      }}
    >
      <label class="field">
        <span class="field__label">What should your desktop do?</span>
        <textarea
          class="input dispatch__prompt"
          name="prompt"
          rows={4}
          placeholder="e.g. Download this month's invoices from the supplier portal and put them in Documents/Invoices"
          value={prompt}
          onInput={(event) => setPrompt(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
              event.preventDefault();
              void dispatch();
            }
          }}
          aria-invalid={problem ? true : undefined}
          aria-describedby="dispatch-problem dispatch-count"
        />
        {prompt.length > MAX_PROMPT_CHARS * 0.8 && (
          <span id="dispatch-count" class={prompt.length > MAX_PROMPT_CHARS ? 'field__hint form-error' : 'field__hint'}>
            {prompt.length.toLocaleString()} of {MAX_PROMPT_CHARS.toLocaleString()} characters
          </span>
        )}
      </label>
      <DesktopPicker desktops={desktops} value={desktopId} onChange={onDesktopChange} />
      {models && models.models.length > 0 && (
        <label class="field">
          <span class="field__label">Model</span>
          <select class="input" name="model" value={model ?? models.default} onChange={(event) => setModel(event.currentTarget.value)}>
            {models.models.map((choice) => (
              <option key={choice.id} value={choice.id}>
                {choice.default ? `${choice.label} (desktop default)` : choice.label}
              </option>
            ))}
          </select>
        </label>
      )}
      <p id="dispatch-problem" class="form-error" role="alert">
        {problem}
      </p>
      <div class="dispatch__buttons">
        <button type="submit" class="button button--primary" disabled={busy} aria-busy={busy}>
          {busy ? 'Dispatching…' : 'Dispatch'}
        </button>
        <button
          type="button"
          class="button dispatch__later"
          onClick={() => onLater({ prompt: prompt.trim(), ...(desktopId ? { desktopId } : {}), ...(model && model !== models?.default ? { model } : {}) })}
        >
          Later…
        </button>
      </div>
    </form>
  );
}
