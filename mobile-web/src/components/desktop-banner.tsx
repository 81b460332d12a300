import type { Desktop } from '../../../common/api-schemas.js';

interface Props {
  desktop: Desktop | undefined;
  /** True until the desktop list first arrives. */
  loading: boolean;
  /** The gateway itself cannot be reached, so nothing is known about the desktop. */
  unreachable: boolean;
  /** Shown before the message when the phone knows more than one desktop. */
  label?: string;
}

/** Whether the chosen desktop can pick up work now. Always two lines tall, so the form below never jumps when the text changes. */
export function DesktopBanner({ desktop, loading, unreachable, label }: Props) {
  let tone = 'unknown';
  let text: string;
  if (loading && unreachable) {
    text = "Can't reach your desktop — check this phone's connection";
  } else if (loading) {
    text = 'Checking your desktop…';
  } else if (!desktop) {
    text = 'No desktop has connected yet — new tasks will wait until one does';
  } else if (desktop.online) {
    tone = 'online';
    text = 'Desktop online';
  } else {
    tone = 'offline';
    text = "Desktop offline — new tasks will wait until it's back";
  }
  return (
    <p class={`banner banner--${tone}`} role="status">
      <span class="banner__dot" aria-hidden="true" />
      <span>
        {label && <strong>{label}: </strong>}
        {text}
      </span>
    </p>
  );
}
