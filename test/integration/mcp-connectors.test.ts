import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { approvalSignal, screenLockStateQuery, screenLockWorkflowId, type TaskMemo, type TaskResult, type TaskStatus } from '../../common/contract.js';
import { startTask } from '../../common/task-starter.js';
import { readMcpStatus } from '../../worker/mcp-status-file.js';
import { deferred, eventually } from '../helpers/async.js';
import { startDesktopStack, type DesktopStack, type WorkerProcess } from '../helpers/desktop-stack.js';
import { endTurn, lastToolResults, toolUseReply, type RecordedRequest, type ScriptedReply } from '../helpers/fake-messages-api.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const serverScript = (name: string) => path.join(REPO, 'node_modules/@modelcontextprotocol', name, 'dist/index.js');

async function progressOf(stack: DesktopStack, taskId: string): Promise<TaskStatus> {
  const memo = (await stack.client.workflow.getHandle(taskId).describe()).memo as Partial<TaskMemo> | undefined;
  if (!memo?.progress) throw new Error('no progress yet');
  return memo.progress;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The third-party "everything" server over Streamable HTTP, on a loopback port of its own. */
async function startEverythingServer(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [serverScript('server-everything'), 'streamableHttp'], { env: { PATH: process.env.PATH, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await eventually(() => Promise.resolve(output), (text) => text.includes(`listening on port ${port}`), 30_000);
  return child;
}

const namesOf = (request: RecordedRequest) => request.body.tools.map((tool) => String(tool.name));

describe('MCP servers as the agent\'s tools', () => {
  let stack: DesktopStack;
  let worker: WorkerProcess;
  let everything: ChildProcess;
  let memoryFile: string;
  let before = 0;

  beforeAll(async () => {
    stack = await startDesktopStack({ width: 1280, height: 800 });
    const port = await freePort();
    everything = await startEverythingServer(port);
    memoryFile = path.join(stack.home, 'memory.jsonl');
    const mcpServers = {
      memory: { command: process.execPath, args: [serverScript('server-memory')], env: { MEMORY_FILE_PATH: memoryFile } },
      everything: { type: 'http', url: `http://127.0.0.1:${port}/mcp` },
    };
    await writeFile(path.join(stack.home, 'mcp.json'), JSON.stringify({ mcpServers }));
    worker = await stack.startWorker();
  });
  afterAll(async () => {
    await stack?.stop();
    everything?.kill();
  });
  beforeEach(() => {
    stack.model.drain();
    before = stack.model.requests.length;
  });

  it('offers every server\'s tools after the built-in ones, sorted and the same every turn, and runs a read tool without asking', async () => {
    stack.model.enqueue(
      toolUseReply({ name: 'mcp__memory__read_graph', input: {}, id: 'toolu_read_1' }),
      toolUseReply({ name: 'mcp__everything__echo', input: { message: 'over HTTP' }, id: 'toolu_echo_1' }),
      endTurn('Looked.'),
    );
    const taskId = await startTask(stack.client, stack.config, { prompt: 'what do you remember?', desktopId: stack.desktopId });
    const result = (await stack.client.workflow.getHandle(taskId).result()) as TaskResult;
    expect(result).toMatchObject({ reason: 'completed', text: 'Looked.' });

    const [first, second, third] = stack.model.requests.slice(before);
    const names = namesOf(first!);
    expect(names.slice(0, 4)).toEqual(['computer', 'str_replace_based_edit_tool', 'file_manager', 'ask_user']);
    const mcp = names.slice(4);
    expect(mcp).toEqual([...mcp].sort());
    expect(mcp).toEqual(expect.arrayContaining(['mcp__memory__read_graph', 'mcp__memory__create_entities', 'mcp__everything__echo', 'mcp__everything__get-tiny-image']));
    expect(mcp.every((name) => name.startsWith('mcp__'))).toBe(true);
    expect(JSON.stringify(second!.body.tools)).toBe(JSON.stringify(first!.body.tools));
    expect(JSON.stringify(third!.body.tools)).toBe(JSON.stringify(first!.body.tools));
    expect(first!.body.tools.find((tool) => tool.name === 'mcp__memory__create_entities')).toMatchObject({ description: expect.stringMatching(/entities/i), input_schema: { type: 'object' } });

    expect(lastToolResults(second!)).toEqual([expect.objectContaining({ tool_use_id: 'toolu_read_1', is_error: false, text: expect.stringContaining('"entities"') })]);
    expect(lastToolResults(third!)).toEqual([expect.objectContaining({ tool_use_id: 'toolu_echo_1', is_error: false, text: 'Echo: over HTTP' })]);
    expect(result.recentSteps.map((step) => step.description)).toEqual(['use memory: read_graph', 'use everything: echo']);
  });

  it('makes a write tool wait for the person: declined, it never runs; approved, it does', async () => {
    await rm(memoryFile, { force: true });
    const entity = { name: 'Ana', entityType: 'person', observations: ['prefers tea'] };
    stack.model.enqueue(
      toolUseReply({ name: 'mcp__memory__create_entities', input: { entities: [entity] }, id: 'toolu_create_1' }),
      toolUseReply({ name: 'mcp__memory__create_entities', input: { entities: [entity] }, id: 'toolu_create_2' }),
      endTurn('Remembered.'),
    );
    const taskId = await startTask(stack.client, stack.config, { prompt: 'remember that Ana prefers tea', desktopId: stack.desktopId });
    const handle = stack.client.workflow.getHandle(taskId);

    const asked = await eventually(() => progressOf(stack, taskId), (value) => value.phase === 'needs_approval');
    expect(asked.approval).toEqual({ id: 'toolu_create_1', tool: 'mcp__memory__create_entities', summary: 'use memory: create_entities', input: { entities: [entity] } });
    await handle.signal(approvalSignal, { approvalId: 'toolu_create_1', approve: false });

    await eventually(() => progressOf(stack, taskId), (value) => value.approval?.id === 'toolu_create_2');
    expect(lastToolResults(stack.model.requests[before + 1]!)).toEqual([expect.objectContaining({ tool_use_id: 'toolu_create_1', is_error: true, text: expect.stringMatching(/declined/) })]);
    expect(await readFile(memoryFile, 'utf8').catch(() => '')).not.toContain('Ana');
    await handle.signal(approvalSignal, { approvalId: 'toolu_create_2', approve: true });

    expect(await handle.result()).toMatchObject({ reason: 'completed', text: 'Remembered.' });
    expect(lastToolResults(stack.model.requests[before + 2]!)).toEqual([expect.objectContaining({ tool_use_id: 'toolu_create_2', is_error: false })]);
    const stored = (await readFile(memoryFile, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(stored).toEqual([expect.objectContaining({ type: 'entity', name: 'Ana', entityType: 'person', observations: ['prefers tea'] })]);
  });

  it("shows the model an image a server returns, with the result's text", async () => {
    stack.model.enqueue(toolUseReply({ name: 'mcp__everything__get-tiny-image', input: {}, id: 'toolu_image_1' }), endTurn('Saw the logo.'));
    const taskId = await startTask(stack.client, stack.config, { prompt: 'show me the logo', desktopId: stack.desktopId });
    expect(await stack.client.workflow.getHandle(taskId).result()).toMatchObject({ reason: 'completed' });
    expect(lastToolResults(stack.model.requests[before + 1]!)).toEqual([
      expect.objectContaining({ tool_use_id: 'toolu_image_1', is_error: false, images: 1, text: "Here's the image you requested:\nThe image above is the MCP logo." }),
    ]);
  });

  it('restarts a server killed mid-task, and the task goes on', async () => {
    // What the server remembers, read by the call after the restart (it reads its file on each call).
    await writeFile(memoryFile, `${JSON.stringify({ type: 'entity', name: 'Ana', entityType: 'person', observations: ['prefers tea'] })}\n`);
    const running = readMcpStatus(stack.home)!.servers.find((server) => server.name === 'memory')!;
    expect(running).toMatchObject({ state: 'running', pid: expect.any(Number) });
    const thinking = deferred();
    stack.model.enqueue(
      toolUseReply({ name: 'mcp__memory__read_graph', input: {}, id: 'toolu_before_kill' }),
      { ...toolUseReply({ name: 'mcp__memory__search_nodes', input: { query: 'tea' }, id: 'toolu_after_kill' }), after: thinking.promise },
      endTurn('Still remembered.'),
    );
    const taskId = await startTask(stack.client, stack.config, { prompt: 'check the memory twice', desktopId: stack.desktopId });
    await stack.model.waitForRequest(before + 2);
    process.kill(running.pid!, 'SIGKILL');
    const restarted = await eventually(
      () => Promise.resolve(readMcpStatus(stack.home)?.servers.find((server) => server.name === 'memory')),
      (server) => server?.state === 'running' && server.pid !== running.pid,
    );
    expect(restarted!.restarts).toBeGreaterThan(running.restarts);
    thinking.resolve();

    expect(await stack.client.workflow.getHandle(taskId).result()).toMatchObject({ reason: 'completed', text: 'Still remembered.' });
    expect(lastToolResults(stack.model.requests[before + 2]!)).toEqual([expect.objectContaining({ tool_use_id: 'toolu_after_kill', is_error: false, text: expect.stringContaining('prefers tea') })]);
    expect(worker.output()).toMatch(/MCP server down/);
  });

  it('runs an MCP call at once while another task holds the screen', async () => {
    const screenTaskThinks = deferred();
    const script: Record<string, ScriptedReply[]> = {
      'hold the screen': [{ ...endTurn('Done with the screen.'), after: screenTaskThinks.promise }],
      'echo something': [toolUseReply({ name: 'mcp__everything__echo', input: { message: 'no screen needed' }, id: 'toolu_beside' }), endTurn('Echoed.')],
    };
    stack.model.enqueue(...Array.from({ length: 3 }, () => (request: RecordedRequest) => script[String(request.body.messages[0]!.content[0]!.text)]!.shift()!));
    const screenTask = await startTask(stack.client, stack.config, { prompt: 'hold the screen', desktopId: stack.desktopId });
    await stack.model.waitForRequest(before + 1);
    const lock = stack.client.workflow.getHandle(screenLockWorkflowId(stack.desktopId));
    expect((await lock.query(screenLockStateQuery)).holder).toBe(screenTask);

    const mcpTask = await startTask(stack.client, stack.config, { prompt: 'echo something', desktopId: stack.desktopId });
    expect(await stack.client.workflow.getHandle(mcpTask).result()).toMatchObject({ reason: 'completed', text: 'Echoed.' });
    expect((await lock.query(screenLockStateQuery)).holder).toBe(screenTask);
    expect((await progressOf(stack, screenTask)).phase).toBe('running');
    const echoed = stack.model.requests.slice(before).find((request) => lastToolResults(request).some((result) => result.tool_use_id === 'toolu_beside'))!;
    expect(lastToolResults(echoed)).toEqual([expect.objectContaining({ is_error: false, text: 'Echo: no screen needed' })]);

    screenTaskThinks.resolve();
    expect(await stack.client.workflow.getHandle(screenTask).result()).toMatchObject({ reason: 'completed' });
  });

  it('lists the servers, their state and their tools with `opendispatch mcp list`', async () => {
    // A restart of its own, so there is one to report whichever tests ran before.
    const memory = () => readMcpStatus(stack.home)?.servers.find((server) => server.name === 'memory');
    const running = await eventually(() => Promise.resolve(memory()), (server) => server?.state === 'running');
    process.kill(running!.pid!, 'SIGKILL');
    const { restarts } = (await eventually(() => Promise.resolve(memory()), (server) => server?.state === 'running' && server.pid !== running!.pid))!;
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'cli/opendispatch.ts'), 'mcp', 'list'], { env: stack.env, cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(output).toMatch(new RegExp(` {2}memory \\(stdio\\): running, pid \\d+, restarted ${restarts} times?, 9 tools\n`));
    expect(output).toMatch(/ {4}mcp__memory__create_entities +may change things, asks you first\n/);
    expect(output).toMatch(/ {4}mcp__memory__read_graph +read-only, runs without asking\n/);
    expect(output).toMatch(/ {2}everything \(http\): running, \d+ tools\n/);
  });
});
