import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { createApi } from '../api.js';
import { takePairingCode } from '../pairing-link.js';
import { clearToken, readToken, saveToken } from '../token-store.js';
import { PairedApp } from './paired-app.js';
import { PairScreen } from './pair-screen.js';
import { UnpairedScreen } from './unpaired-screen.js';

/** Chooses between pairing, unpaired and paired, and owns the token. */
export function App() {
  const [pairCode, setPairCode] = useState(() => takePairingCode(location, history));
  const [token, setToken] = useState(readToken);
  const [revoked, setRevoked] = useState(false);

  const onUnauthorized = useCallback(() => {
    clearToken();
    setToken(null);
    setRevoked(true);
  }, []);
  useEffect(() => {
    // A pairing link opened while the app is already open changes only the fragment: no reload.
    const onHashChange = () => {
      const code = takePairingCode(location, history);
      if (code) setPairCode(code);
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);
  const api = useMemo(() => createApi({ getToken: readToken, onUnauthorized }), [onUnauthorized]);

  if (pairCode) {
    return (
      <PairScreen
        key={pairCode}
        api={api}
        code={pairCode}
        onPaired={(newToken) => {
          saveToken(newToken);
          setToken(newToken);
          setRevoked(false);
          setPairCode(null);
        }}
        onCancel={token ? () => setPairCode(null) : undefined}
      />
    );
  }
  if (!token) return <UnpairedScreen revoked={revoked} />;
  return <PairedApp key={token} api={api} token={token} onUnauthorized={onUnauthorized} />;
}
