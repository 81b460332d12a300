import type { TaskStep } from '../../../common/api-schemas.js';
import type { ApiClient } from '../api.js';
import { clockTime } from '../format.js';
import { ScreenshotViewer } from './screenshot-viewer.js';

/** One step of the timeline: when, what, what went wrong, and its screenshot on demand. */
export function StepItem({ api, step }: { api: ApiClient; step: TaskStep }) {
  const label = `the step at ${clockTime(step.at)}`;
  return (
    <li class={`step${step.isError ? ' step--error' : ''}`}>
      <span class="step__marker" aria-hidden="true" />
      <div class="step__body">
        <p class="step__head">
          <time class="step__time" dateTime={step.at}>
            {clockTime(step.at)}
          </time>
          {step.isError && <span class="step__flag">Problem</span>}
        </p>
        <p class="step__description">{step.description}</p>
        {step.detail && <p class="step__detail">{step.detail}</p>}
        {step.screenshotUrl && <ScreenshotViewer api={api} path={step.screenshotUrl} stepLabel={label} />}
      </div>
    </li>
  );
}
