import type { Desktop } from '../../../common/api-schemas.js';
import { linkState } from '../connection-state.js';
import { usePhoneOnline } from '../use-phone-online.js';
import { ConnectionIndicator } from './connection-indicator.js';

interface Props {
  desktop: Desktop | undefined;
  /** True until the desktop list first arrives. */
  loading: boolean;
  /** The gateway itself cannot be reached, so nothing is known about the desktop. */
  unreachable: boolean;
  /** Shown before the message when the phone knows more than one desktop. */
  label?: string;
}

/** The home screen's connection indicator: this phone, the gateway, then the chosen desktop. Always two lines tall, so the form below never jumps. */
export function DesktopBanner({ desktop, loading, unreachable, label }: Props) {
  const phoneOnline = usePhoneOnline();
  const { state, text } = linkState({ phoneOnline, connection: unreachable ? 'offline' : 'live', desktopsLoaded: !loading, desktop });
  return <ConnectionIndicator state={state} text={text} variant="banner" label={state === 'live' || state === 'away' ? label : undefined} />;
}
