interface Props {
  /** Set when the gateway stopped accepting this phone's token. */
  revoked?: boolean;
}

/** Shown whenever this phone has no working token: how to pair it with the desktop. */
export function UnpairedScreen({ revoked }: Props) {
  return (
    <main class="screen screen--centered">
      <img class="hero-icon" src="/icons/icon.svg" alt="" width={96} height={96} />
      <h1>{revoked ? 'This phone is no longer paired' : 'Pair this phone with your desktop'}</h1>
      {revoked && <p class="notice notice--warning">Your desktop no longer accepts this phone. Pair it again to keep dispatching tasks.</p>}
      <ol class="instructions">
        <li>
          On your desktop, run <code>npm start</code> in the OpenDispatch folder (or open its setup page).
        </li>
        <li>It shows a QR code. Scan it with this phone's camera.</li>
        <li>The link opens here and asks for a name for this phone.</li>
      </ol>
      <p class="muted">Each QR code works once and only for a few minutes. If it has expired, the desktop will show a new one.</p>
    </main>
  );
}
