import { useEffect, useState } from 'preact/hooks';
import type { ApiClient } from '../api.js';
import { currentPushState, disablePush, enablePush, type PushState } from '../push-setup.js';

const IPHONE_NOTE = 'On an iPhone or iPad, notifications work only after Share → Add to Home Screen, in the app opened from there (iOS 16.4 or later).';

/**
 * "Notify me": asks for notification permission only when tapped, then subscribes this phone, so
 * a task that needs an answer or an approval, or finishes, reaches it in a pocket.
 */
export function NotifyToggle({ api }: { api: ApiClient }) {
  const [state, setState] = useState<PushState | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState('');

  useEffect(() => {
    let current = true;
    currentPushState(api).then(
      (found) => current && setState(found),
      () => current && setState({ kind: 'off' }),
    );
    return () => {
      current = false;
    };
  }, [api]);

  async function change(action: () => Promise<PushState>) {
    setBusy(true);
    setProblem('');
    try {
      setState(await action());
    } catch (error) {
      setProblem(error instanceof Error && error.message ? error.message : 'Could not change notifications. Try again.');
    } finally {
      setBusy(false);
    }
  }

  if (!state) return null;
  return (
    <section class="notify" aria-labelledby="notify-heading">
      <h2 id="notify-heading" class="visually-hidden">
        Notifications
      </h2>
      {state.kind === 'unsupported' ? (
        <p class="notify__note">{state.reason === 'ios-home-screen' ? IPHONE_NOTE : 'This browser cannot show notifications from your desktop.'}</p>
      ) : state.kind === 'blocked' ? (
        <p class="notify__note">Notifications are blocked for this page. Allow them in your browser's site settings, then reload.</p>
      ) : state.kind === 'on' ? (
        <div class="notify__row">
          <span class="notify__status">This phone is notified when a task needs you or ends.</span>
          <button type="button" class="button button--small button--ghost" disabled={busy} onClick={() => change(() => disablePush(api))}>
            Turn off
          </button>
        </div>
      ) : (
        <>
          <button type="button" class="button notify__button" disabled={busy} aria-busy={busy} onClick={() => change(() => enablePush(api))}>
            {busy ? 'Turning on…' : 'Notify me'}
          </button>
          <p class="notify__note">When a task asks you something, waits for your approval, or ends. {IPHONE_NOTE}</p>
        </>
      )}
      {problem && (
        <p class="form-error" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}
