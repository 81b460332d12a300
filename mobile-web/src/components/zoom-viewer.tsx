import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiClient } from '../api.js';
import { usePinchZoom } from '../pinch-zoom.js';
import { screenshotProblem } from '../screenshot-problem.js';
import type { Mark } from '../task-timeline.js';
import { ClickMarks } from './click-marks.js';

interface Props {
  api: ApiClient;
  /** The screenshot's gateway path; its full size is fetched from it. */
  path: string;
  /** The preview already on screen, shown at once while the full size loads. */
  previewUrl: string;
  marks: Mark[];
  alt: string;
  onClose: () => void;
}

/**
 * A screenshot over the whole screen at the size the agent saw it, so desktop text can be read:
 * pinch or double-tap to zoom, drag to look around, Close or Escape to go back. A modal dialog,
 * so focus stays inside and returns to the preview after.
 */
export function ZoomViewer({ api, path, previewUrl, marks, alt, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [full, setFull] = useState<string | null>(null);
  /** Why the full size did not load; the preview stays. */
  const [failed, setFailed] = useState<string | null>(null);
  const { view, handlers } = usePinchZoom();

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  useEffect(() => {
    let url: string | undefined;
    let current = true;
    api.screenshot(path, 'full').then(
      (blob) => {
        if (!current) return;
        url = URL.createObjectURL(blob);
        setFull(url);
      },
      (error: unknown) => current && setFailed(screenshotProblem(error, 'Could not load the full size.').text),
    );
    return () => {
      current = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [api, path]);

  return (
    <dialog ref={dialog} class="zoom" aria-label="Screenshot, full size" onClose={onClose}>
      <div class="zoom__stage" {...handlers}>
        <div class="zoom__layer" style={{ transform: `translate(${view.x}px, ${view.y}px) scale(${view.scale})`, '--zoom': String(view.scale) }}>
          <span class="zoom__frame">
            <img class="zoom__image" src={full ?? previewUrl} alt={alt} data-full={full ? 'true' : undefined} draggable={false} />
            <ClickMarks marks={marks} />
          </span>
        </div>
      </div>
      <div class="zoom__bar">
        <p class="zoom__hint" role="status">
          {failed ? `${failed} Showing the preview.` : full ? 'Pinch or double-tap to zoom.' : 'Loading the full size…'}
        </p>
        <button type="button" class="button zoom__close" onClick={() => dialog.current?.close()}>
          Close
        </button>
      </div>
    </dialog>
  );
}
