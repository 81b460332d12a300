import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTask } from '../../common/task-starter.js';
import { computer, endTurn } from '../helpers/fake-messages-api.js';
import { startDesktopStack, type DesktopStack } from '../helpers/desktop-stack.js';
import { flushTerminal, launchApp, waitForWindow } from '../helpers/x-display.js';
import { deferred } from '../helpers/async.js';

describe('a task survives crashes', () => {
  let stack: DesktopStack;
  let typedFile: string;

  beforeAll(async () => {
    stack = await startDesktopStack();
    typedFile = path.join(stack.roots[0]!, 'typed.txt');
    await launchApp(stack.display, 'xterm', ['-geometry', '80x24+0+0', '-T', 'journal', '-e', 'sh', '-c', `cat > '${typedFile}'`]);
    await waitForWindow(stack.display, '^journal$');
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('finishes after the worker is killed while the model thinks and after the Temporal server is killed, typing each line once', async () => {
    const thinkingDuringWorkerCrash = deferred();
    const thinkingDuringServerCrash = deferred();
    stack.model.enqueue(
      computer({ action: 'type', text: 'one\n' }),
      { ...computer({ action: 'type', text: 'never sent\n' }), after: thinkingDuringWorkerCrash.promise },
      computer({ action: 'type', text: 'two\n' }),
      { ...computer({ action: 'type', text: 'three\n' }), after: thinkingDuringServerCrash.promise },
      endTurn('Wrote three lines.'),
    );

    const firstWorker = await stack.startWorker();
    const taskId = await startTask(stack.client, stack.config, { prompt: 'write three lines', desktopId: stack.desktopId });

    await stack.model.waitForRequest(2);
    await firstWorker.kill();
    thinkingDuringWorkerCrash.resolve();
    await stack.startWorker();

    await stack.model.waitForRequest(4);
    await stack.temporal.server.stop(0);
    await stack.temporal.restart();
    thinkingDuringServerCrash.resolve();

    const result = await stack.client.workflow.getHandle(taskId).result();
    expect(result).toMatchObject({ reason: 'completed', text: 'Wrote three lines.' });
    // The reply that reached a dead worker is never acted on; every other action ran exactly once.
    expect(await flushTerminal(stack.display, typedFile)).toBe('one\ntwo\nthree\n');
  });
});
