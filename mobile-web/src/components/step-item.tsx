import type { ApiClient } from '../api.js';
import { clockTime, durationText } from '../format.js';
import { actionText, type StepGroup } from '../task-timeline.js';
import { Narration } from './narration.js';
import { ScreenshotViewer } from './screenshot-viewer.js';

/** The head of a timeline entry: its number as the CLI counts it, when it ended, and how long it took. */
function StepHead({ index, at, tookMs, problem }: { index: number; at?: string; tookMs?: number; problem?: boolean }) {
  return (
    <h3 class="step__head">
      <span class="step__number">Step {index}</span>
      {at && (
        <time class="step__time" dateTime={at}>
          {clockTime(at)}
        </time>
      )}
      {tookMs !== undefined && <span class="step__took">took {durationText(tookMs)}</span>}
      {problem && <span class="step__flag">Problem</span>}
    </h3>
  );
}

/**
 * One decision of the agent: what it said or thought, each action it ran (what it typed, word for
 * word), what went wrong, and the screenshot it saw with its clicks marked, on demand.
 */
export function StepItem({ api, group }: { api: ApiClient; group: StepGroup }) {
  // Where one screenshot carries several clicks, their rings are numbered; the same number marks the action here.
  const pinned = new Set(group.shots.flatMap((shot) => (shot.marks.length > 1 ? shot.marks.map((mark) => mark.n) : [])));
  return (
    <li class={`step${group.isError ? ' step--error' : ''}`}>
      <span class="step__marker" aria-hidden="true" />
      <div class="step__body">
        <StepHead index={group.index} at={group.at} tookMs={group.tookMs} problem={group.isError} />
        {group.narration && <Narration text={group.narration} />}
        <ol class="step__actions">
          {group.actions.map((action, position) => (
            <li key={position} class="step__action">
              <p class="step__description">
                {pinned.has(position + 1) && <span class="step__pin" aria-hidden="true">{position + 1}</span>}
                {actionText(action)}
              </p>
              {action.typed !== undefined && <pre class="step__typed">{action.typed}</pre>}
              {action.detail && <p class="step__detail">{action.detail}</p>}
            </li>
          ))}
        </ol>
        {group.shots.map((shot) => (
          <ScreenshotViewer key={shot.url} api={api} path={shot.url} marks={shot.marks} aspect={shot.aspect} stepLabel={`step ${group.index}`} />
        ))}
      </div>
    </li>
  );
}

/**
 * A decision with no action on record: the one that ended a successful task (it wrote the result
 * shown at the top), or one whose actions are still under way or wait for the person.
 */
export function BareStep({ index, at, tookMs, final }: { index: number; at?: string; tookMs?: number; final: boolean }) {
  return (
    <li class={`step ${final ? 'step--final' : 'step--current'}`}>
      <span class="step__marker" aria-hidden="true" />
      <div class="step__body">
        <StepHead index={index} at={at} tookMs={tookMs} />
        <p class="step__description">{final ? 'Wrote the result shown at the top.' : 'Under way: see “Now” above.'}</p>
      </div>
    </li>
  );
}
