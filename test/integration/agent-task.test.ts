import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computer, endTurn, imagesIn, lastToolResults, type RecordedRequest } from '../helpers/fake-messages-api.js';
import { startDesktopStack, type DesktopStack, type WorkerProcess } from '../helpers/desktop-stack.js';
import { launchApp, waitForWindow, windowCentre } from '../helpers/x-display.js';
import { runCli } from '../helpers/run-cli.js';


function advertisedSize(request: RecordedRequest): { width: number; height: number } {
  const tool = request.body.tools.find((entry) => entry.name === 'computer')!;
  return { width: Number(tool.display_width_px), height: Number(tool.display_height_px) };
}

const cli = (stack: DesktopStack, args: string[]) => runCli(stack.env, args);

describe('a task given on the command line is carried out on the desktop', () => {
  let stack: DesktopStack;
  let worker: WorkerProcess;
  let notes = 0;

  beforeAll(async () => {
    stack = await startDesktopStack({ width: 1920, height: 1080 });
    worker = await stack.startWorker();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /**
   * Opens a notes window of its own and has the CLI run a task that clicks into it, types a line
   * and ends it: what each test here looks at, from the terminal, the file, the model's requests
   * and the workflow.
   */
  async function putNumbersIntoNotes() {
    const title = `notes-${++notes}`;
    const notesFile = path.join(stack.roots[0]!, `${title}.txt`);
    launchApp(stack.display, 'xterm', ['-geometry', '80x24+400+300', '-T', title, '-e', 'sh', '-c', `cat > '${notesFile}'`]);
    await waitForWindow(stack.display, `^${title}$`);
    const centre = await windowCentre(stack.display, `^${title}$`);

    stack.model.drain();
    const asked = stack.model.requests.length;
    stack.model.enqueue(
      (request) => {
        const image = advertisedSize(request);
        return computer({ action: 'left_click', coordinate: [Math.round((centre.x * image.width) / 1920), Math.round((centre.y * image.height) / 1080)] });
      },
      computer({ action: 'type', text: 'Q3 revenue: $1,204 (+8%) — résumé ✓\n' }),
      computer({ action: 'key', text: 'ctrl+d' }),
      endTurn('Typed the Q3 summary into notes.'),
    );
    const run = await cli(stack, ['task', 'put the Q3 numbers into notes']);
    const taskId = /Task (\S+) started/.exec(run.stdout)?.[1];
    return { run, notesFile, taskId: taskId!, requests: stack.model.requests.slice(asked) };
  }

  it('clicks into the app, types, and reports the model\'s summary, following every step in the terminal', async () => {
    const { run, notesFile } = await putNumbersIntoNotes();
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/left click at/);
    expect(run.stdout).toMatch(/type \d+ characters/);
    expect(run.stdout).toMatch(/Done after 4 steps: Typed the Q3 summary into notes\./);

    expect(await readFile(notesFile, 'utf8')).toBe('Q3 revenue: $1,204 (+8%) — résumé ✓\n');
  });

  it('shows the model screenshots of exactly the advertised size, and keeps them out of workflow history', async () => {
    const { run, requests, taskId } = await putNumbersIntoNotes();
    expect(run.code).toBe(0);
    expect(requests).toHaveLength(4);
    const size = advertisedSize(requests[0]!);
    expect(size).toEqual({ width: 1456, height: 819 });
    for (const request of requests) {
      const images = imagesIn(request);
      expect(images.length).toBeGreaterThan(0);
      const metadata = await sharp(Buffer.from(images.at(-1)!.data, 'base64')).metadata();
      expect({ width: metadata.width, height: metadata.height }).toEqual(size);
      expect(request.headers['anthropic-beta']).toContain('computer-use-2025-11-24');
      expect(request.headers['x-stainless-retry-count']).toBe('0');
    }
    for (const request of requests.slice(1)) expect(lastToolResults(request).every((result) => !result.is_error)).toBe(true);

    const history = JSON.stringify(await stack.client.workflow.getHandle(taskId).fetchHistory());
    expect(history.length).toBeLessThan(200_000);
    expect(history).not.toMatch(/iVBORw0KGgo|\/9j\/4/);
  });

  it('shows each task in the Temporal Web UI with its prompt as summary and its last step as details', async () => {
    const { run, taskId } = await putNumbersIntoNotes();
    expect(run.code).toBe(0);
    const handle = stack.client.workflow.getHandle(taskId);
    const description = await handle.describe();
    expect(await description.staticSummary()).toBe('put the Q3 numbers into notes');
    const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(metadata.currentDetails).toMatch(/Done/);
    expect(worker.output()).not.toMatch(/sk-ant-test-key/);
  });
});
