/** The workflows a desktop's worker registers. Deterministic code only below this folder. */
export { agentTask } from './agent-task.js';
export { screenLock } from './screen-lock.js';
