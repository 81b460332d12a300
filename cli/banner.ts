/** What `opendispatch start` tells the person once everything is up. */
export interface BannerFacts {
  desktopId: string;
  home: string;
  temporalAddress: string;
  namespace: string;
  webUi: string;
  phoneUrl: string;
  setupUrl: string;
  /** The one-time pairing link; omitted where the output is a log (a login service). */
  pairingUrl?: string;
  /** The pairing link's QR code, drawn for this terminal; omitted where it cannot be drawn. */
  qr?: string;
}

/**
 * Whether this output can show a QR code: a terminal (not a pipe or a file) that draws Unicode
 * block characters (not TERM=dumb). Elsewhere a QR code is a screenful of noise; the text link
 * says the same thing.
 */
export function canDrawQr(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/**
 * Whether stdout goes to a service manager's log (systemd sets JOURNAL_STREAM and INVOCATION_ID,
 * launchd XPC_SERVICE_NAME): there a pairing code would be written to a log, so none is printed.
 */
export function runsAsService(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.INVOCATION_ID || env.JOURNAL_STREAM || (env.XPC_SERVICE_NAME && env.XPC_SERVICE_NAME !== '0'));
}

/**
 * The banner, printed last so it stays on screen: where everything is, then how to pair (the
 * link as text, and the QR code when the terminal can draw it), then how to stop.
 */
export function renderBanner(facts: BannerFacts): string {
  const pairing = facts.pairingUrl
    ? [
        facts.qr
          ? "Scan this with your phone's camera to pair it, or open the link on the phone (it works once, for 10 minutes):"
          : 'Open this link on your phone to pair it (it works once, for 10 minutes):',
        `  ${facts.pairingUrl}`,
        ...(facts.qr ? [facts.qr.replace(/\n+$/, '')] : []),
        '`npm run opendispatch -- pair` prints a fresh one.',
      ]
    : ['To pair a phone, run `opendispatch pair` on this desktop, or open the setup page.'];
  return [
    '',
    `OpenDispatch is running for desktop "${facts.desktopId}" (data: ${facts.home}).`,
    `  Temporal:        ${facts.temporalAddress} (namespace ${facts.namespace})`,
    `  Temporal Web UI: ${facts.webUi}`,
    `  Phone:           ${facts.phoneUrl}`,
    `  Setup page:      ${facts.setupUrl} (on this desktop only)`,
    `  Start a task:    npm run task -- "what you want done"`,
    '',
    ...pairing,
    'Press Ctrl+C to stop.',
    '',
  ].join('\n');
}
