/** The workflows a desktop's worker registers. Deterministic code only below this folder. */
export { agentTask } from './agent-task.js';
export { screenQueue } from './screen-queue.js';
// The screen queue's type name on earlier releases (a workflow type is its export name): a queue
// an earlier release started keeps running under it after an upgrade, until it idles out, and the
// histories in test/replay/histories replay under it. Keep it while either can exist.
export { screenQueue as screenLock } from './screen-queue.js';
export { desktopRecord } from './desktop-record.js';
