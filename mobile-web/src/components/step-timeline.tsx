import type { TaskStep } from '../../../common/api-schemas.js';
import type { ApiClient } from '../api.js';
import { StepItem } from './step-item.js';

/** Steps oldest first, so new ones are appended below and nothing already read moves. */
export function StepTimeline({ api, steps }: { api: ApiClient; steps: TaskStep[] }) {
  // Several records can share an index (one model turn, several actions), so order by index
  // then time, and key by position: the list only ever grows at the end (or loses its oldest).
  const ordered = [...steps].sort((a, b) => a.index - b.index || a.at.localeCompare(b.at));
  return (
    <section class="timeline" aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">
        Steps <span class="muted">({steps.length})</span>
      </h2>
      {ordered.length === 0 ? (
        <p class="muted">No steps yet.</p>
      ) : (
        <ol class="timeline__steps">
          {ordered.map((step) => (
            <StepItem key={`${step.index}@${step.at}`} api={api} step={step} />
          ))}
        </ol>
      )}
    </section>
  );
}
