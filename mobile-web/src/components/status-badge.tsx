import type { ApiTaskStatus } from '../../../common/api-schemas.js';
import { statusLabel } from '../format.js';

/**
 * Each status's icon as SVG path data on a 12×12 grid, drawn with the text colour. Symbol
 * characters such as ⏸ fall back to a box or an emoji on some phones; a path looks the same on all.
 */
const ICONS: Record<ApiTaskStatus, string> = {
  queued: 'M2.5 6h.01M6 6h.01M9.5 6h.01',
  running: 'M3.5 2.5v7l6-3.5z',
  waiting: 'M4 2.5v7M8 2.5v7',
  needs_input: 'M4.2 4.2a1.9 1.9 0 1 1 2.6 1.8c-.5.2-.8.6-.8 1.1v.4M6 9.6h.01',
  needs_approval: 'M6 2.5v4.5M6 9.6h.01',
  succeeded: 'M2.5 6.3l2.3 2.3 4.7-5',
  failed: 'M3 3l6 6M9 3L3 9',
  cancelled: 'M3 6h6',
};

/** The status as words with an icon and a colour; the words alone carry the meaning. */
export function StatusBadge({ status }: { status: ApiTaskStatus }) {
  return (
    <span class={`badge badge--${status}`}>
      <svg class="badge__icon" viewBox="0 0 12 12" width="12" height="12" aria-hidden="true" focusable="false">
        <path d={ICONS[status]} fill={status === 'running' ? 'currentColor' : 'none'} stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" />
      </svg>
      {statusLabel(status)}
    </span>
  );
}
