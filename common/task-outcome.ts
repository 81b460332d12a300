import type { TaskEndReason } from './contract.js';

/** How a finished task ended, as people see it: the phone's status badge and the CLI's exit code. */
export type TaskOutcome = 'succeeded' | 'failed' | 'cancelled';

/**
 * Maps the workflow's end reason to its outcome. Only `completed` is a success; a cancelled task
 * is its own outcome (nobody failed); every other reason (step limit, time limit, the model
 * declined or needs the person) is a failure to do what was asked. One function, so the gateway
 * and the CLI never disagree about whether a task worked.
 */
export function taskOutcome(reason: TaskEndReason): TaskOutcome {
  switch (reason) {
    case 'completed':
      return 'succeeded';
    case 'cancelled':
      return 'cancelled';
    case 'max_steps':
    case 'needs_user':
    case 'declined':
    case 'timed_out':
      return 'failed';
  }
  return 'failed';
}
