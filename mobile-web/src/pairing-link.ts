/**
 * Takes the one-time pairing code out of a `#pair=<code>` link and strips the fragment from the
 * address bar at once, so the code is not left in history, bookmarks or a shared screenshot.
 * The code lives only in memory from here on; a reload before pairing means scanning again.
 */
export function takePairingCode(location: Pick<Location, 'hash' | 'pathname' | 'search'>, history: Pick<History, 'replaceState' | 'state'>): string | null {
  const match = /^#pair=([^&]+)/.exec(location.hash);
  if (!location.hash) return null;
  history.replaceState(history.state, '', `${location.pathname}${location.search}`);
  if (!match?.[1]) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}

/** A friendly default name for this phone, e.g. "My iPhone"; the person can change it. */
export function defaultDeviceName(userAgent: string): string {
  if (/iPhone/.test(userAgent)) return 'My iPhone';
  if (/iPad/.test(userAgent)) return 'My iPad';
  if (/Android/.test(userAgent)) return 'My Android phone';
  return 'My phone';
}
