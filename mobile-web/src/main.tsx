import { render } from 'preact';
import { App } from './components/app.js';
import './styles.css';
import './conversation.css';
import './connection.css';
import './task-view.css';
import './screenshots.css';
import './schedules.css';

render(<App />, document.getElementById('app') as HTMLElement);

// Offline start: the worker caches this build's shell. Never in dev, where files change by the second.
if ('serviceWorker' in navigator && import.meta.env.PROD) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
  });
}
