import { useEffect, useState } from 'preact/hooks';
import type { ApiClient } from '../api.js';
import { screenshotProblem, type ScreenshotProblem } from '../screenshot-problem.js';
import type { Mark } from '../task-timeline.js';
import { ClickMarks, marksText } from './click-marks.js';
import { ZoomViewer } from './zoom-viewer.js';

interface Props {
  api: ApiClient;
  path: string;
  /** Where the step's pointer actions landed on this screenshot. */
  marks: Mark[];
  /** The screen's width / height when known, so the frame has the image's shape before it arrives. */
  aspect?: number;
  /** For the image's alt text, e.g. "step 4". */
  stepLabel: string;
}

type State = { kind: 'idle' } | { kind: 'loading' } | { kind: 'shown'; url: string } | { kind: 'failed'; problem: ScreenshotProblem };

/**
 * One step's screenshot, loaded only when asked (it needs the Bearer token, so it goes through
 * fetch → blob → object URL): the 480 px preview with the step's clicks marked, which opens the
 * full-size image to pinch and zoom when tapped. One that cannot be loaded (its desktop is away,
 * or no longer has it) is a line of text saying why, never a broken image.
 */
export function ScreenshotViewer({ api, path, marks, aspect, stepLabel }: Props) {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const [zoomed, setZoomed] = useState(false);

  useEffect(() => () => {
    if (state.kind === 'shown') URL.revokeObjectURL(state.url);
  }, [state]);

  async function load() {
    setState({ kind: 'loading' });
    try {
      const blob = await api.screenshot(path);
      setState({ kind: 'shown', url: URL.createObjectURL(blob) });
    } catch (error) {
      setState({ kind: 'failed', problem: screenshotProblem(error) });
    }
  }

  if (state.kind === 'idle') {
    return (
      <button type="button" class="button button--small" onClick={load} aria-label={`Show screenshot of ${stepLabel}`}>
        Show screenshot{marks.length > 0 ? ' and clicks' : ''}
      </button>
    );
  }
  const alt = `Screen the agent saw before ${stepLabel}${marksText(marks)}`;
  return (
    <figure class="shot">
      {state.kind === 'shown' ? (
        <button type="button" class="shot__open" onClick={() => setZoomed(true)} aria-label={`Open the screenshot of ${stepLabel} full size`}>
          <span class="shot__frame">
            <img class="shot__image" src={state.url} alt={alt} onError={() => setState({ kind: 'failed', problem: { text: 'Could not show the screenshot.', retry: true } })} />
            <ClickMarks marks={marks} />
          </span>
        </button>
      ) : (
        <div class="shot__placeholder" style={{ aspectRatio: String(aspect ?? 16 / 10) }}>
          {state.kind === 'loading' ? (
            <span class="muted">Loading screenshot…</span>
          ) : (
            <span class="shot__failed" role="alert">
              {state.problem.text}
              {state.problem.retry && (
                <button type="button" class="button button--small" onClick={load} aria-label={`Try loading the screenshot of ${stepLabel} again`}>
                  Try again
                </button>
              )}
            </span>
          )}
        </div>
      )}
      {state.kind === 'shown' && (
        <figcaption class="shot__caption">
          <span class="muted">Tap to see it full size</span>
          <button type="button" class="button button--small button--ghost" onClick={() => setState({ kind: 'idle' })} aria-label={`Hide screenshot of ${stepLabel}`}>
            Hide
          </button>
        </figcaption>
      )}
      {zoomed && state.kind === 'shown' && <ZoomViewer api={api} path={path} previewUrl={state.url} marks={marks} alt={alt} onClose={() => setZoomed(false)} />}
    </figure>
  );
}
