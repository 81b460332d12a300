import type { ConnectionState } from '../events.js';

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  offline: 'Offline, retrying',
};

interface Props {
  connection?: ConnectionState;
  /** Shown as a Back button on screens below the list. */
  onBack?: () => void;
}

/** The top bar: app name or Back, and whether live updates are flowing. Fixed height, so nothing below moves. */
export function AppHeader({ connection, onBack }: Props) {
  return (
    <header class="app-header">
      {onBack ? (
        <button type="button" class="button button--ghost app-header__back" onClick={onBack}>
          <span aria-hidden="true">‹ </span>
          <span class="visually-hidden">Back to </span>Tasks
        </button>
      ) : (
        <span class="app-header__title">OpenDispatch</span>
      )}
      {connection && (
        <span class={`connection connection--${connection}`}>
          <span class="connection__dot" aria-hidden="true" />
          <span class="visually-hidden">Updates: </span>
          {CONNECTION_TEXT[connection]}
        </span>
      )}
    </header>
  );
}
