import path from 'node:path';
import type { ChosenMonitorNow } from '../worker/adapters/x11-monitors.js';
import type { KeepAwakeReport } from '../worker/keep-awake-state.js';
import { escapeHtml } from './html.js';

/**
 * "Keep-awake: …" as the worker last reported it. It says only what the worker knows: that it
 * cannot keep the desktop awake and why, that its inhibitor holds the desktop awake now, or that
 * it is ready and holds nothing now. Whether a task runs is the task list's to say, not this line's.
 */
export function keepAwakeFact(report: KeepAwakeReport): string {
  const label = '<strong>Keep-awake:</strong>';
  const mode = `<code>${escapeHtml(report.mode)}</code>`;
  if (report.mode === 'unavailable') {
    const reason = report.reason ?? 'the desktop worker could not take a sleep inhibitor';
    return `${label} <span class="danger">not available: ${escapeHtml(reason)}</span>. The desktop may go to sleep during a task; the task goes on when it wakes.`;
  }
  if (report.mode === 'unknown') return `${label} unknown: the desktop worker has not reported yet.`;
  if (report.active) return `${label} on: ${mode} holds the desktop awake while a task works on it.`;
  return `${label} ready: ${mode} holds the desktop awake while a task works on it; it holds nothing right now.`;
}

const offset = (value: number): string => (value < 0 ? `${value}` : `+${value}`);

/** "Monitor: primary monitor: HDMI-1, 1920×1080 at +0+0", or why the chosen monitor cannot be found now. */
export function monitorFact(monitor: ChosenMonitorNow): string {
  const label = '<strong>Monitor:</strong>';
  const chosen = monitor.setting === undefined ? 'primary monitor (DISPATCH_MONITOR is not set)' : `<code>DISPATCH_MONITOR=${escapeHtml(monitor.setting)}</code>`;
  if (!monitor.resolved) {
    // Only a monitor that was asked for by name or region stops tasks; without one the worker uses the screen it has.
    const effect = monitor.setting === undefined ? '' : ' A task that uses the screen stops with a reason until it can be.';
    return `${label} ${chosen}, <span class="danger">cannot be resolved now: ${escapeHtml(monitor.reason)}</span>.${effect}`;
  }
  const { x, y, width, height } = monitor.area;
  const where = `${width}×${height} at ${offset(x)}${offset(y)}`;
  return `${label} ${chosen}: ${monitor.name === undefined ? 'a region' : escapeHtml(monitor.name)}, ${where}.`;
}

/**
 * The granted folders and how to change them. They come from DISPATCH_ROOTS alone (no settings
 * file), read when OpenDispatch starts, so a change needs a restart; a login service keeps the
 * variables of the shell it was installed from, so it is installed again.
 */
export function renderFoldersSection(roots: string[], delimiter: string = path.delimiter): string {
  return `<h2>Folders the agent may use</h2>
<ul>${roots.map((root) => `<li><code>${escapeHtml(root)}</code></li>`).join('')}</ul>
<p>To change them:</p>
<ol class="steps">
<li>Set <code>DISPATCH_ROOTS</code> to the folders, separated by <code>${escapeHtml(delimiter)}</code>. Now it is <code>DISPATCH_ROOTS=${escapeHtml(roots.join(delimiter))}</code>.</li>
<li>Start OpenDispatch again: stop it (Ctrl+C in its terminal) and run <code>opendispatch start</code> (<code>npm start</code> in its folder). The folders are read only when it starts.</li>
</ol>
<p class="muted">If it runs as a login service, run <code>opendispatch service uninstall</code>, then <code>opendispatch service install</code> from a shell where <code>DISPATCH_ROOTS</code> is set: the service keeps the variables of the shell it was installed from.</p>`;
}
