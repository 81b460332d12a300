import { useEffect, useState } from 'preact/hooks';

/** Whether this phone has a network at all (`navigator.onLine`), kept current by the browser's online/offline events. */
export function usePhoneOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    update();
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  return online;
}
