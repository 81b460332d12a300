import type { TaskDetail } from '../../../common/api-schemas.js';
import type { ApiClient } from '../api.js';
import { isFinished } from '../store.js';
import { decisionsTaken, endOf, groupSteps } from '../task-timeline.js';
import { BareStep, StepItem } from './step-item.js';

/**
 * The task's steps oldest first, so new ones are appended below and nothing already read moves.
 * A step is one decision of the agent, numbered and counted as the CLI counts them; the actions
 * it ran are listed inside it.
 */
export function StepTimeline({ api, task }: { api: ApiClient; task: TaskDetail }) {
  const groups = groupSteps(task.steps, task.createdAt);
  const count = decisionsTaken(task);
  const last = groups.at(-1);
  const end = endOf(task);
  // The newest decision has no record yet when it wrote the result, or while its actions run.
  const bare = count > (last?.index ?? 0) && (task.status === 'succeeded' || !isFinished(task.status));
  const final = task.status === 'succeeded';
  return (
    <section class="timeline" aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">
        Steps <span class="muted">({count})</span>
      </h2>
      {groups.length === 0 && !bare ? (
        <p class="muted">{end ? 'It took no steps.' : 'No steps yet.'}</p>
      ) : (
        <ol class="timeline__steps">
          {groups.map((group) => (
            <StepItem key={group.index} api={api} group={group} />
          ))}
          {bare && <BareStep index={count} final={final} at={end} tookMs={end ? Math.max(0, Date.parse(end) - Date.parse(last?.at ?? task.createdAt)) : undefined} />}
        </ol>
      )}
    </section>
  );
}
