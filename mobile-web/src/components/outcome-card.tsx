import type { TaskDetail } from '../../../common/api-schemas.js';
import { createdWhen } from '../format.js';
import { endOf } from '../task-timeline.js';

/** How a finished task ended, first thing on its page: its result, why it failed, or when it was cancelled. */
export function OutcomeCard({ task }: { task: TaskDetail }) {
  if (task.status === 'succeeded') {
    return (
      <section class="outcome outcome--success" aria-labelledby="outcome-heading">
        <h2 id="outcome-heading">Result</h2>
        <p class="outcome__text">{task.result || 'It finished without a message.'}</p>
      </section>
    );
  }
  if (task.status === 'failed') {
    return (
      <section class="outcome outcome--failure" aria-labelledby="outcome-heading">
        <h2 id="outcome-heading">Why it failed</h2>
        <p class="outcome__text">{task.error || 'It stopped without saying why.'}</p>
      </section>
    );
  }
  if (task.status !== 'cancelled') return null;
  const end = endOf(task);
  return (
    <section class="outcome outcome--cancelled" aria-labelledby="outcome-heading">
      <h2 id="outcome-heading">Why it stopped</h2>
      <p class="outcome__text">
        {end ? (
          <>
            Cancelled by you at <time dateTime={end}>{createdWhen(end)}</time>.
          </>
        ) : (
          'Cancelled by you.'
        )}
        {task.error && ` ${task.error}`}
      </p>
    </section>
  );
}
