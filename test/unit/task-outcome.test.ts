import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { failureMessage } from '../../common/failure-message.js';
import { taskOutcome } from '../../common/task-outcome.js';

describe('how a finished task reads on the phone and in the terminal', () => {
  it('counts only a completed task as succeeded, and a cancelled one as cancelled', () => {
    expect(taskOutcome('completed')).toBe('succeeded');
    expect(taskOutcome('cancelled')).toBe('cancelled');
    for (const reason of ['max_steps', 'needs_user', 'declined', 'timed_out'] as const) expect(taskOutcome(reason)).toBe('failed');
  });

  it('explains a refused API key in its own words, not as "Activity task failed"', () => {
    const refused = ApplicationFailure.nonRetryable('The API key was refused (401). Check ANTHROPIC_API_KEY.', 'ModelAuthError');
    const activity = new ActivityFailure('Activity task failed', 'decideNextStep', '1', RetryState.NON_RETRYABLE_FAILURE, 'desktop-x', refused);
    const workflow = new WorkflowFailedError('Workflow execution failed', activity, RetryState.NON_RETRYABLE_FAILURE);
    expect(failureMessage(workflow)).toBe('The API key was refused (401). Check ANTHROPIC_API_KEY.');
    expect(failureMessage(undefined)).toBe('The task failed.');
  });
});
