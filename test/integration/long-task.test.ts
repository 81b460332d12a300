import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskResult } from '../../common/contract.js';
import { startTask } from '../../common/task-starter.js';
import { computer, endTurn, lastToolResults } from '../helpers/fake-messages-api.js';
import { startDesktopStack, type DesktopStack } from '../helpers/desktop-stack.js';

const STEPS = 24;

describe('a long task', () => {
  let stack: DesktopStack;

  beforeAll(async () => {
    // Have Temporal suggest continue-as-new after a short history, as it would after thousands of events.
    stack = await startDesktopStack({ dynamicConfig: ['limit.historyCount.suggestContinueAsNew=60'] });
    await stack.startWorker();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('keeps its place, its transcript and its screen across continue-as-new, with bounded history per run', async () => {
    for (let step = 0; step < STEPS; step++) stack.model.enqueue(computer({ action: 'mouse_move', coordinate: [10 + step, 10] }));
    stack.model.enqueue(endTurn(`Moved ${STEPS} times.`));
    const taskId = await startTask(stack.client, stack.config, { prompt: 'move a lot', desktopId: stack.desktopId });
    const result = (await stack.client.workflow.getHandle(taskId).result()) as TaskResult;
    expect(result).toMatchObject({ reason: 'completed', text: `Moved ${STEPS} times.`, steps: STEPS + 1 });

    const runs: Array<{ status: string; events: number }> = [];
    for await (const execution of stack.client.workflow.list({ query: `WorkflowId = '${taskId}'` })) {
      const history = await stack.client.workflow.getHandle(taskId, execution.runId).fetchHistory();
      runs.push({ status: execution.status.name, events: history.events!.length });
    }
    expect(runs.length).toBeGreaterThan(1);
    expect(runs.filter((run) => run.status === 'CONTINUED_AS_NEW')).toHaveLength(runs.length - 1);
    for (const run of runs) expect(run.events).toBeLessThan(150);

    // Every turn after the first answered the previous tool call: nothing lost or repeated across runs.
    const requests = stack.model.requests.slice(-(STEPS + 1));
    expect(requests.map((request) => request.body.messages.length)).toEqual(requests.map((_request, index) => 1 + 2 * index));
    for (const request of requests.slice(1)) expect(lastToolResults(request)).toHaveLength(1);
    expect(result.recentSteps.at(-1)?.description).toBe(`mouse move at (${10 + STEPS - 1}, 10)`);
  });
});
