import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TaskResult } from '../../common/contract.js';
import { startTask } from '../../common/task-starter.js';
import { computer, endTurn, imagesIn, lastToolResults, toolsetCall, toolsetReply, toolUseReply, type RecordedRequest } from '../helpers/fake-messages-api.js';
import { startDesktopStack, type DesktopStack } from '../helpers/desktop-stack.js';
import { launchApp, waitForWindow, windowCentre } from '../helpers/x-display.js';

const NOT_EXECUTED = 'Not executed: an earlier computer action in this turn failed.';

/** Runs a task with the given model to its end and returns its result. */
async function runTask(stack: DesktopStack, prompt: string, model?: string): Promise<TaskResult> {
  const id = await startTask(stack.client, stack.config, { prompt, desktopId: stack.desktopId, ...(model ? { model } : {}) });
  return stack.client.workflow.getHandle(id).result();
}

/** The centre of a window, in whole screen pixels, as xdotool reports it from outside. */
async function roundedCentre(stack: DesktopStack, title: string): Promise<{ x: number; y: number }> {
  const { x, y } = await windowCentre(stack.display, title);
  return { x: Math.round(x), y: Math.round(y) };
}

/** Opens a terminal that writes whatever is typed into it to `file` (Ctrl+D ends it). */
async function openNotes(stack: DesktopStack, title: string, file: string): Promise<void> {
  await launchApp(stack.display, 'xterm', ['-geometry', '80x20+300+200', '-T', title, '-e', 'sh', '-c', `cat > '${file}'`]);
  await waitForWindow(stack.display, `^${title}$`);
}

async function imageSize(data: string): Promise<{ width: number; height: number }> {
  const metadata = await sharp(Buffer.from(data, 'base64')).metadata();
  return { width: metadata.width!, height: metadata.height! };
}

describe('the computer toolset on a 1920x1080 screen, unscaled', () => {
  let stack: DesktopStack;
  let requestsBefore = 0;

  beforeAll(async () => {
    stack = await startDesktopStack({ width: 1920, height: 1080, model: 'claude-sonnet-5-5' });
    await stack.startWorker();
  });
  afterAll(async () => {
    await stack?.stop();
  });
  beforeEach(() => {
    stack.model.drain();
    requestsBefore = stack.model.requests.length;
  });
  const requestsOfThisTest = (): RecordedRequest[] => stack.model.requests.slice(requestsBefore);

  it('declares the toolset without a name, size or beta flag, and sees the screen pixel for pixel', async () => {
    stack.model.enqueue(endTurn('Nothing to do.'));
    expect(await runTask(stack, 'look at the screen')).toMatchObject({ reason: 'completed', text: 'Nothing to do.' });
    const [request] = requestsOfThisTest();
    expect(request!.body.tools[0]).toEqual({ type: 'computer_toolset_20260801' });
    expect(request!.headers['anthropic-beta'] ?? '').not.toMatch(/computer-use/);
    expect(await imageSize(imagesIn(request!).at(-1)!.data)).toEqual({ width: 1920, height: 1080 });
  });

  it('runs a batch of members in order: a click, exact typing and keys, each answered with toolset_name', async () => {
    const file = path.join(stack.roots[0]!, 'batch.txt');
    await openNotes(stack, 'batch-notes', file);
    const centre = await roundedCentre(stack, '^batch-notes$');
    const text = 'Q3 revenue: $1,204 (+8%) — résumé ✓';
    const calls = [
      toolsetCall('left_click', { coordinate: [centre.x, centre.y] }),
      toolsetCall('type', { text }),
      toolsetCall('key', { text: 'exclam', repeat: 3 }),
      toolsetCall('key', { text: 'Return' }),
      toolsetCall('key', { text: 'ctrl+d' }),
    ];
    const turn = toolsetReply(...calls);
    const body = turn.body as { content: Array<Record<string, unknown>> };
    body.content.unshift({ type: 'thinking', thinking: 'The notes window is in the middle.', signature: 'c2lnbmF0dXJl' }, { type: 'text', text: 'Typing the line.' });
    stack.model.enqueue(turn, endTurn('Typed it.'));

    const result = await runTask(stack, 'type the Q3 line');
    expect(result).toMatchObject({ reason: 'completed' });
    // The timeline shows what the agent thought, where it clicked on the screen, and what it typed.
    const [click, typed] = result.recentSteps;
    expect(click).toMatchObject({ description: `left click at (${centre.x}, ${centre.y})`, narration: 'The notes window is in the middle.\n\nTyping the line.', point: centre });
    expect(typed).toMatchObject({ typed: text });
    expect(typed!.narration).toBeUndefined();
    expect(await readFile(file, 'utf8')).toBe(`${text}!!!\n`);

    const results = lastToolResults(requestsOfThisTest()[1]!);
    expect(results.map((result) => result.tool_use_id)).toEqual(calls.map((call) => call.id));
    expect(results.map((result) => result.toolset_name)).toEqual(calls.map(() => 'computer'));
    expect(results.map((result) => result.text)).toEqual(['Clicked.', 'Typed.', 'Pressed exclam.', 'Pressed Return.', 'Pressed ctrl+d.']);
    expect(results.every((result) => !result.is_error)).toBe(true);
    expect(results.map((result) => result.images)).toEqual([0, 0, 0, 0, 1]);
  });

  it('answers every call of a turn that mixes computer members and file tools, each by its own id', async () => {
    const file = path.join(stack.roots[0]!, 'mixed.txt');
    await openNotes(stack, 'mixed-notes', file);
    const centre = await roundedCentre(stack, '^mixed-notes$');
    const written = path.join(stack.roots[0]!, 'written.txt');
    const calls = [
      toolsetCall('left_click', { coordinate: [centre.x, centre.y] }),
      { name: 'str_replace_based_edit_tool', input: { command: 'create', path: written, file_text: 'from the editor\n' }, id: 'toolu_mixed_file' },
      toolsetCall('type', { text: 'from the keyboard\n' }),
      { name: 'file_manager', input: { op: 'stat', path: written }, id: 'toolu_mixed_stat' },
      toolsetCall('key', { text: 'ctrl+d' }),
    ];
    stack.model.enqueue(toolUseReply(...calls), endTurn('Did both.'));
    expect(await runTask(stack, 'type and write')).toMatchObject({ reason: 'completed' });

    expect(await readFile(file, 'utf8')).toBe('from the keyboard\n');
    expect(await readFile(written, 'utf8')).toBe('from the editor\n');
    const results = lastToolResults(requestsOfThisTest()[1]!);
    expect(results.map((result) => result.tool_use_id)).toEqual(calls.map((call) => call.id));
    expect(results.map((result) => result.toolset_name)).toEqual(['computer', undefined, 'computer', undefined, 'computer']);
    expect(results.map((result) => result.is_error ?? false)).toEqual([false, false, false, false, false]);
    expect(results[1]!.text).toMatch(/created|Created/);
    expect(results[3]!.text).toMatch(/16 bytes|size/i);
  });

  it('stops a batch at its first failure: the rest are not executed and nothing after it reaches the screen', async () => {
    const file = path.join(stack.roots[0]!, 'stopped.txt');
    await openNotes(stack, 'stopped-notes', file);
    const centre = await roundedCentre(stack, '^stopped-notes$');
    const calls = [
      toolsetCall('left_click', { coordinate: [centre.x, centre.y] }),
      toolsetCall('type', { text: 'before' }),
      toolsetCall('left_click', { coordinate: [1920, 500] }),
      toolsetCall('type', { text: 'after' }),
      toolsetCall('key', { text: 'Return' }),
    ];
    stack.model.enqueue(toolsetReply(...calls), toolsetReply(toolsetCall('key', { text: 'Return' }), toolsetCall('key', { text: 'ctrl+d' })), endTurn('Stopped.'));

    expect(await runTask(stack, 'a batch that fails midway')).toMatchObject({ reason: 'completed' });
    expect(await readFile(file, 'utf8')).toBe('before\n');

    const results = lastToolResults(requestsOfThisTest()[1]!);
    expect(results.map((result) => result.is_error ?? false)).toEqual([false, false, true, true, true]);
    expect(results[2]!.text).toMatch(/outside the screen/);
    expect(results[3]!.text).toBe(NOT_EXECUTED);
    expect(results[4]!.text).toBe(NOT_EXECUTED);
    expect(results.every((result) => result.toolset_name === 'computer')).toBe(true);
  });

  it('zoom returns the region at native resolution, and cursor_position reads back in screenshot pixels', async () => {
    stack.model.enqueue(
      toolsetReply(toolsetCall('zoom', { region: [100, 50, 580, 320] }), toolsetCall('mouse_move', { coordinate: [777, 333] }), toolsetCall('cursor_position', {})),
      endTurn('Looked closely.'),
    );
    expect(await runTask(stack, 'zoom in')).toMatchObject({ reason: 'completed' });
    const request = requestsOfThisTest()[1]!;
    const results = lastToolResults(request);
    expect(results.map((result) => result.text)).toEqual(['', 'Moved the mouse.', 'X=777,Y=333']);
    const zoomed = request.body.messages.at(-1)!.content as Array<{ content?: Array<{ type: string; source?: { data: string } }> }>;
    const zoomImage = zoomed[0]!.content!.find((part) => part.type === 'image')!;
    expect(await imageSize(zoomImage.source!.data)).toEqual({ width: 480, height: 270 });
  });

  it('speaks each model\'s own dialect: toolset, computer_20251124 and computer_20250124', async () => {
    for (const model of ['claude-opus-4-8', 'claude-sonnet-4-6', 'claude-sonnet-4-5']) {
      stack.model.enqueue(model === 'claude-opus-4-8' ? toolsetReply(toolsetCall('screenshot', {})) : computer({ action: 'screenshot' }), endTurn('Seen.'));
      expect(await runTask(stack, `look with ${model}`, model), model).toMatchObject({ reason: 'completed' });
    }
    const [toolset, , november, , january] = requestsOfThisTest();
    expect(toolset!.body.model).toBe('claude-opus-4-8');
    expect(toolset!.body.tools[0]).toEqual({ type: 'computer_toolset_20260801' });
    expect(november!.body.tools[0]).toMatchObject({ type: 'computer_20251124', name: 'computer', enable_zoom: true, display_width_px: 1456, display_height_px: 819 });
    expect(november!.headers['anthropic-beta']).toContain('computer-use-2025-11-24');
    expect(january!.body.tools[0]).toMatchObject({ type: 'computer_20250124', name: 'computer', display_width_px: 1456 });
    expect(january!.headers['anthropic-beta']).toContain('computer-use-2025-01-24');
    expect(stack.model.refusals).toEqual([]);
  });

  it('keeps every screenshot for a model whose thinking refers to them, and lets the API clear old results instead', async () => {
    const look = () => toolsetReply(toolsetCall('screenshot', {}));
    stack.model.enqueue(look(), look(), look(), look(), look(), endTurn('Looked five times.'));
    expect(await runTask(stack, 'look closely', 'claude-opus-5-5')).toMatchObject({ reason: 'completed' });
    const last = requestsOfThisTest().at(-1)!;
    expect(imagesIn(last)).toHaveLength(6);
    expect(last.body).toMatchObject({ context_management: { edits: [expect.objectContaining({ type: 'clear_tool_uses_20250919' })] } });
    expect(last.headers['anthropic-beta']).toContain('context-management-2025-06-27');

    stack.model.enqueue(look(), look(), look(), look(), look(), endTurn('Looked five times.'));
    expect(await runTask(stack, 'look closely', 'claude-sonnet-5-5')).toMatchObject({ reason: 'completed' });
    expect(imagesIn(stack.model.requests.at(-1)!).length).toBeLessThan(6);
  });
});

describe('the computer toolset on a 4K screen, scaled to the image rule', () => {
  let stack: DesktopStack;

  beforeAll(async () => {
    stack = await startDesktopStack({ width: 3840, height: 2160, model: 'claude-sonnet-5-5' });
    await stack.startWorker();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('shows the model 2576x1449 and maps its click back onto the screen', async () => {
    const file = path.join(stack.roots[0]!, 'scaled.txt');
    await openNotes(stack, 'scaled-notes', file);
    const centre = await roundedCentre(stack, '^scaled-notes$');
    const scaled = { x: Math.round((centre.x * 2576) / 3840), y: Math.round((centre.y * 1449) / 2160) };
    stack.model.enqueue(
      toolsetReply(toolsetCall('left_click', { coordinate: [scaled.x, scaled.y] }), toolsetCall('type', { text: 'scaled click landed\n' }), toolsetCall('key', { text: 'ctrl+d' })),
      endTurn('Done.'),
    );
    expect(await runTask(stack, 'type on a 4K screen')).toMatchObject({ reason: 'completed' });
    expect(await readFile(file, 'utf8')).toBe('scaled click landed\n');
    expect(await imageSize(imagesIn(stack.model.requests[0]!).at(-1)!.data)).toEqual({ width: 2576, height: 1449 });
  });
});
