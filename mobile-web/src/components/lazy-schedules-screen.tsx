import type { ComponentProps } from 'preact';
import { useEffect, useState } from 'preact/hooks';

type Screen = typeof import('./schedules-screen.js').SchedulesScreen;

/** Kept once loaded, so coming back to the screen never shows the placeholder again. */
let loaded: Screen | undefined;

/**
 * The schedules screen, loaded the first time it is opened: most visits never open it, so its
 * code stays out of the bundle every visit parses. The service worker caches its chunk with the
 * rest of the app, so it opens offline too.
 */
export function LazySchedulesScreen(props: ComponentProps<Screen>) {
  const [screen, setScreen] = useState<Screen | undefined>(() => loaded);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (screen) return;
    import('./schedules-screen.js').then(
      (module) => {
        loaded = module.SchedulesScreen;
        setScreen(() => module.SchedulesScreen);
      },
      () => setFailed(true),
    );
  }, [screen]);

  if (screen) {
    const Loaded = screen;
    return <Loaded {...props} />;
  }
  return (
    <main class="screen">
      <h1>Schedules</h1>
      {failed ? (
        <p class="notice notice--error" role="alert">
          Could not open the schedules. Check your connection and try again.
        </p>
      ) : (
        <p class="muted">Loading…</p>
      )}
    </main>
  );
}
