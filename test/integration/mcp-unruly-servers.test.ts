import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMcpActivities, INTERRUPTED_MCP_CALL_TEXT } from '../../activities/mcp/mcp-activity.js';
import { parseMcpConfig } from '../../activities/mcp/mcp-config.js';
import { startMcpConnectors, type McpConnectors } from '../../activities/mcp/mcp-connectors.js';
import { createContentStore } from '../../activities/store/content-store.js';
import { createToolCallJournal } from '../../activities/store/tool-call-journal.js';
import { ConfigError } from '../../common/config.js';
import type { McpStatusReport } from '../../common/mcp-status.js';
import { eventually } from '../helpers/async.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const UNRULY = path.join(REPO, 'test/helpers/unruly-mcp-server.ts');
const unruly = (env: Record<string, string> = {}) => ({ command: process.execPath, args: ['--import', 'tsx', UNRULY], cwd: REPO, env });

describe('MCP servers that misbehave', () => {
  let dir: string;
  let connectors: McpConnectors;
  let perform: ReturnType<typeof createMcpActivities>['performMcpTool'];
  let latest: McpStatusReport | undefined;
  let calls = 0;
  const pidOf = (name: string) => connectors.status().servers.find((server) => server.name === name)?.pid;
  const call = (name: string, input: unknown = {}, options: { approved?: boolean; toolUseId?: string } = {}) =>
    perform({ taskId: 'task-unruly', toolUseId: options.toolUseId ?? `toolu_${++calls}`, name, input, model: 'claude-sonnet-4-6', approved: options.approved });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'od-mcp-unruly-'));
    const config = parseMcpConfig(
      JSON.stringify({ mcpServers: { unruly: unruly({ UNRULY_LOG: path.join(dir, 'notes.log') }), missing: { command: path.join(dir, 'no-such-program') } } }),
      path.join(dir, 'mcp.json'),
    );
    connectors = await startMcpConnectors({ config, onStatus: (report) => (latest = report), timings: { callTimeoutMs: 2_000, initialBackoffMs: 200, maxBackoffMs: 1_000 } });
    const journal = createToolCallJournal(path.join(dir, 'journal'));
    perform = createMcpActivities({ connectors, store: createContentStore(path.join(dir, 'blobs')), journal, waitForServerMs: 10_000 }).performMcpTool;
  });
  afterAll(async () => {
    await connectors?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports a server that cannot start while the others serve', async () => {
    const missing = latest!.servers.find((server) => server.name === 'missing')!;
    expect(missing).toMatchObject({ transport: 'stdio', tools: [] });
    expect(['down', 'starting']).toContain(missing.state);
    expect(missing.error).toMatch(/could not start: spawn .*no-such-program ENOENT/);
    expect(connectors.declarations().map((tool) => tool.name)).toEqual([
      'mcp__unruly__bad_result',
      'mcp__unruly__echo',
      'mcp__unruly__exit_mid_call',
      'mcp__unruly__garbage',
      'mcp__unruly__hang',
      'mcp__unruly__note',
    ]);
    expect(await call('mcp__unruly__echo', { text: 'hi' })).toEqual({ toolUseId: expect.any(String), isError: false, text: 'echo: hi' });
  });

  for (const [tool, words] of [
    ['exit_mid_call', /stopped, or its connection broke, during the call/],
    ['hang', /did not answer within 2 s/],
    ['garbage', /answered with something that is not MCP/],
    ['bad_result', /answered with something that is not a tool result/],
  ] as const) {
    it(`answers ${tool} with an error for that call, restarts the server, and serves the next call`, async () => {
      const before = pidOf('unruly');
      const result = await call(`mcp__unruly__${tool}`);
      expect(result).toMatchObject({ isError: true, text: expect.stringMatching(words) });
      expect(result.text).toMatch(/It is being restarted\. It only reads, so you may try again\./);
      await eventually(() => Promise.resolve(pidOf('unruly')), (pid) => pid !== undefined && pid !== before);
      expect(await call('mcp__unruly__echo', { text: 'again' })).toMatchObject({ isError: false, text: 'echo: again' });
    });
  }

  it('never runs a write twice for one tool use, and never runs it unapproved', async () => {
    const log = path.join(dir, 'notes.log');
    expect(await call('mcp__unruly__note', { text: 'unasked' })).toMatchObject({ isError: true, text: expect.stringMatching(/needs the person's approval and was not approved/) });

    const first = await call('mcp__unruly__note', { text: 'once' }, { approved: true, toolUseId: 'toolu_note_1' });
    expect(first).toEqual({ toolUseId: 'toolu_note_1', isError: false, text: 'noted' });
    expect(await call('mcp__unruly__note', { text: 'once' }, { approved: true, toolUseId: 'toolu_note_1' })).toEqual(first);
    expect(await readFile(log, 'utf8')).toBe('once\n');

    // An attempt that died after it began: the journal says started, and nothing says how it ended.
    const journal = createToolCallJournal(path.join(dir, 'journal'));
    await journal.begin('task-unruly', 'toolu_note_2');
    expect(await call('mcp__unruly__note', { text: 'twice?' }, { approved: true, toolUseId: 'toolu_note_2' })).toEqual({ toolUseId: 'toolu_note_2', isError: true, text: INTERRUPTED_MCP_CALL_TEXT });
    expect(await readFile(log, 'utf8')).toBe('once\n');

    // A read after the same kind of crash simply runs again.
    await journal.begin('task-unruly', 'toolu_echo_2');
    expect(await call('mcp__unruly__echo', { text: 'reread' }, { toolUseId: 'toolu_echo_2' })).toMatchObject({ isError: false, text: 'echo: reread' });
  });

  it('answers a tool nobody offers, and arguments that are not an object, without calling a server', async () => {
    expect(await call('mcp__unruly__nonexistent')).toMatchObject({ isError: true, text: expect.stringMatching(/There is no tool named "mcp__unruly__nonexistent"/) });
    expect(await call('mcp__unruly__echo', ['hi'])).toMatchObject({ isError: true, text: 'The input of mcp__unruly__echo must be an object of named arguments.' });
  });

  it('stops start-up when two tools would be offered under one name, naming both', async () => {
    const config = parseMcpConfig(JSON.stringify({ mcpServers: { 'my.tools': unruly(), my_tools: unruly() } }), path.join(dir, 'clash.json'));
    const started = startMcpConnectors({ config });
    await expect(started).rejects.toBeInstanceOf(ConfigError);
    await expect(started).rejects.toThrow(/clash\.json: two MCP tools would be offered under the same name: server "my\.tools" tool "echo" and server "my_tools" tool "echo" would both be offered as "mcp__my_tools__echo"; /);
  });
});
