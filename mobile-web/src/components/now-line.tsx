import { urlForRoute } from '../route.js';
import type { NowLine as Line } from '../task-now.js';

interface Props {
  line: Line;
  /** The phone cannot hear from the gateway, so this is what it last heard. */
  stale: boolean;
  onOpenTask: (id: string) => void;
}

/** What the task waits for or does right now, in a box that stands out, with a link to the task in its way. */
export function NowLine({ line, stale, onOpenTask }: Props) {
  const { blocker } = line;
  return (
    <div class={`now now--${line.tone}`}>
      <span class="now__label">{stale ? 'Last known' : 'Now'}</span>
      <p class="now__text">{line.text}</p>
      {blocker && (
        <a
          class="now__blocker"
          href={urlForRoute({ name: 'task', id: blocker.id })}
          onClick={(event) => {
            event.preventDefault();
            onOpenTask(blocker.id);
          }}
        >
          {blocker.prompt ? `“${blocker.prompt}”` : 'another task'}
        </a>
      )}
    </div>
  );
}
