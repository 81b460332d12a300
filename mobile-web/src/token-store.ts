/**
 * Where this phone keeps its gateway token. localStorage survives restarts of an installed PWA;
 * every access is guarded because private-browsing modes may refuse storage outright, in which
 * case pairing lasts for this page only.
 */
const KEY = 'opendispatch.token';
let memoryToken: string | null = null;

export function readToken(): string | null {
  try {
    return localStorage.getItem(KEY) ?? memoryToken;
  } catch {
    return memoryToken;
  }
}

export function saveToken(token: string): void {
  memoryToken = token;
  try {
    localStorage.setItem(KEY, token);
  } catch {
    // Kept in memory only; see above.
  }
}

export function clearToken(): void {
  memoryToken = null;
  try {
    localStorage.removeItem(KEY);
  } catch {
    // Nothing stored.
  }
}
