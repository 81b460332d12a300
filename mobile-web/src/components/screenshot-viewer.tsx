import { useEffect, useState } from 'preact/hooks';
import { ApiFailure, type ApiClient } from '../api.js';

interface Props {
  api: ApiClient;
  path: string;
  /** For the image's alt text, e.g. "Screen at step 4". */
  stepLabel: string;
}

type State = { kind: 'idle' } | { kind: 'loading' } | { kind: 'shown'; url: string } | { kind: 'failed'; message: string };

/**
 * Loads one step's screenshot only when asked (it needs the Bearer token, so it goes through
 * fetch → blob → object URL). The frame has a fixed size from the moment it opens, so the image
 * arriving never pushes the timeline around.
 */
export function ScreenshotViewer({ api, path, stepLabel }: Props) {
  const [state, setState] = useState<State>({ kind: 'idle' });

  useEffect(() => () => {
    if (state.kind === 'shown') URL.revokeObjectURL(state.url);
  }, [state]);

  async function load() {
    setState({ kind: 'loading' });
    try {
      const blob = await api.screenshot(path);
      setState({ kind: 'shown', url: URL.createObjectURL(blob) });
    } catch (error) {
      setState({ kind: 'failed', message: error instanceof ApiFailure ? error.message : 'Could not load the screenshot.' });
    }
  }

  if (state.kind === 'idle') {
    return (
      <button type="button" class="button button--small" onClick={load} aria-label={`Show screenshot of ${stepLabel}`}>
        Show screenshot
      </button>
    );
  }
  return (
    <figure class="shot">
      <div class="shot__frame">
        {state.kind === 'shown' && <img class="shot__image" src={state.url} alt={`Screen at ${stepLabel}`} />}
        {state.kind === 'loading' && <span class="muted">Loading screenshot…</span>}
        {state.kind === 'failed' && (
          <span class="shot__failed" role="alert">
            {state.message}{' '}
            <button type="button" class="button button--small" onClick={load} aria-label={`Try loading the screenshot of ${stepLabel} again`}>
              Try again
            </button>
          </span>
        )}
      </div>
      {state.kind === 'shown' && (
        <button type="button" class="button button--small button--ghost" onClick={() => setState({ kind: 'idle' })} aria-label={`Hide screenshot of ${stepLabel}`}>
          Hide screenshot
        </button>
      )}
    </figure>
  );
}
