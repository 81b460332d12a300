interface Props {
  /** Shown as a Back button on screens below the list. */
  onBack?: () => void;
}

/** The top bar: the app's name, or Back. Fixed height, so nothing below moves; each screen shows the connection itself. */
export function AppHeader({ onBack }: Props) {
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
    </header>
  );
}
