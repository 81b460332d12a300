import type { LinkState } from '../connection-state.js';

interface Props {
  state: LinkState;
  text: string;
  /** `banner`: the home screen's two-line row above the form; `line`: one compact line atop a task. */
  variant: 'banner' | 'line';
  /** Names the desktop when the phone knows more than one. */
  label?: string;
}

/**
 * The app's one connection indicator: whether this phone, the gateway and the desktop can be
 * reached, said once. Every screen shows exactly one, built by `linkState`, so two signals can
 * never contradict each other.
 */
export function ConnectionIndicator({ state, text, variant, label }: Props) {
  return (
    <p class={`connection-indicator connection-indicator--${variant} connection--${state}`} role="status">
      <span class="connection-indicator__dot" aria-hidden="true" />
      <span>
        {label && <strong>{label}: </strong>}
        {text}
      </span>
    </p>
  );
}
