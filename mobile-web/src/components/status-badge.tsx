import type { ApiTaskStatus } from '../../../common/api-schemas.js';
import { statusLabel } from '../format.js';

const GLYPHS: Record<ApiTaskStatus, string> = {
  queued: '…',
  running: '▶',
  waiting: '⏸',
  needs_input: '?',
  needs_approval: '!',
  succeeded: '✓',
  failed: '✕',
  cancelled: '–',
};

/** The status as words with a glyph and a colour; the words alone carry the meaning. */
export function StatusBadge({ status }: { status: ApiTaskStatus }) {
  return (
    <span class={`badge badge--${status}`}>
      <span class="badge__glyph" aria-hidden="true">
        {GLYPHS[status]}
      </span>
      {statusLabel(status)}
    </span>
  );
}
