import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMcpActivities } from '../../activities/mcp/mcp-activity.js';
import { parseMcpConfig } from '../../activities/mcp/mcp-config.js';
import { startMcpConnectors, type McpConnectors } from '../../activities/mcp/mcp-connectors.js';
import { createContentStore } from '../../activities/store/content-store.js';
import { createToolCallJournal } from '../../activities/store/tool-call-journal.js';
import { eventually } from '../helpers/async.js';

const EVERYTHING = fileURLToPath(new URL('../../node_modules/@modelcontextprotocol/server-everything/dist/index.js', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The third-party "everything" server, over SSE or Streamable HTTP, on a loopback port. */
async function everything(mode: 'sse' | 'streamableHttp', port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [EVERYTHING, mode], { env: { PATH: process.env.PATH, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await eventually(() => Promise.resolve(output), (text) => text.includes(`port ${port}`), 30_000);
  return child;
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('MCP servers reached over the network', () => {
  let dir: string;
  const children: ChildProcess[] = [];
  let connectors: McpConnectors | undefined;
  let calls = 0;

  const start = async (mcpServers: Record<string, unknown>) => {
    connectors = await startMcpConnectors({ config: parseMcpConfig(JSON.stringify({ mcpServers }), path.join(dir, 'mcp.json')), timings: { initialBackoffMs: 200, maxBackoffMs: 500 } });
    const perform = createMcpActivities({ connectors, store: createContentStore(path.join(dir, 'blobs')), journal: createToolCallJournal(path.join(dir, 'journal')), waitForServerMs: 3_000 }).performMcpTool;
    return (name: string, input: unknown) => perform({ taskId: 'task-remote', toolUseId: `toolu_${++calls}`, name, input, model: 'claude-sonnet-4-6' });
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'od-mcp-remote-'));
  });
  afterEach(async () => {
    await connectors?.close();
    connectors = undefined;
  });
  afterAll(async () => {
    await Promise.all(children.map(stop));
    await rm(dir, { recursive: true, force: true });
  });

  it('speaks SSE to a server typed "sse", and falls back to it for a bare url that is not Streamable HTTP', async () => {
    const port = await freePort();
    children.push(await everything('sse', port));
    const call = await start({ typed: { type: 'sse', url: `http://127.0.0.1:${port}/sse` }, bare: { url: `http://127.0.0.1:${port}/sse` } });
    expect(connectors!.status().servers.map(({ name, transport, state }) => ({ name, transport, state }))).toEqual([
      { name: 'typed', transport: 'sse', state: 'running' },
      { name: 'bare', transport: 'sse', state: 'running' },
    ]);
    expect(await call('mcp__typed__echo', { message: 'via SSE' })).toMatchObject({ isError: false, text: 'Echo: via SSE' });
    expect(await call('mcp__bare__echo', { message: 'guessed' })).toMatchObject({ isError: false, text: 'Echo: guessed' });
  });

  it('reconnects to a Streamable HTTP server that restarted, and says so plainly while it is away', async () => {
    const port = await freePort();
    let server = await everything('streamableHttp', port);
    children.push(server);
    const call = await start({ remote: { type: 'http', url: `http://127.0.0.1:${port}/mcp`, headers: { 'X-Test': 'yes' } } });
    expect(await call('mcp__remote__echo', { message: 'first' })).toMatchObject({ isError: false, text: 'Echo: first' });

    await stop(server);
    server = await everything('streamableHttp', port);
    children.push(server);
    // The new process knows nothing of the old session: the call is sent again over a new one.
    expect(await call('mcp__remote__echo', { message: 'after a restart' })).toMatchObject({ isError: false, text: 'Echo: after a restart' });

    await stop(server);
    expect(await call('mcp__remote__echo', { message: 'nobody home' })).toMatchObject({
      isError: true,
      text: expect.stringMatching(/^The remote MCP server is not running \(could not start: .*\), so the call was not made\./),
    });
    await eventually(() => Promise.resolve(connectors!.status().servers[0]!), (status) => status.state === 'down' && /next try in/.test(status.error ?? ''));
  });
});
