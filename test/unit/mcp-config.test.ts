import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMcpConfig, parseMcpConfig } from '../../activities/mcp/mcp-config.js';
import { ConfigError, loadConfig } from '../../common/config.js';

const FILE = '/home/ana/.opendispatch/mcp.json';
const parse = (value: unknown) => parseMcpConfig(JSON.stringify(value), FILE);
const problemWith = (value: unknown): string => {
  try {
    parse(value);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('the MCP servers file', () => {
  it("takes Claude Desktop's format as pasted: a program to run, or an address", () => {
    const config = parse({
      globalShortcut: 'Ctrl+Space',
      mcpServers: {
        memory: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory'], env: { MEMORY_FILE_PATH: '/tmp/memory.jsonl' } },
        tracker: { url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer abc' } },
      },
    });
    expect(config).toEqual({
      file: FILE,
      servers: [
        { name: 'memory', approval: 'writes', transport: { kind: 'stdio', command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory'], env: { MEMORY_FILE_PATH: '/tmp/memory.jsonl' } } },
        { name: 'tracker', approval: 'writes', transport: { kind: 'auto', url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer abc' } } },
      ],
    });
  });

  it("takes Claude Code's type key, our approval and tools keys, and a cwd relative to the file", () => {
    const config = parse({
      mcpServers: {
        local: { type: 'stdio', command: 'notes-mcp', cwd: 'servers/notes', approval: 'never', tools: ['search', 'read'] },
        remote: { type: 'http', url: 'http://127.0.0.1:3001/mcp', approval: 'always' },
        old: { type: 'sse', url: 'http://127.0.0.1:3002/sse' },
      },
    });
    expect(config.servers).toEqual([
      { name: 'local', approval: 'never', tools: ['search', 'read'], transport: { kind: 'stdio', command: 'notes-mcp', args: [], cwd: '/home/ana/.opendispatch/servers/notes' } },
      { name: 'remote', approval: 'always', transport: { kind: 'http', url: 'http://127.0.0.1:3001/mcp' } },
      { name: 'old', approval: 'writes', transport: { kind: 'sse', url: 'http://127.0.0.1:3002/sse' } },
    ]);
    expect(parse({}).servers).toEqual([]);
  });

  it('names the file, the server and the field of every mistake', () => {
    expect(problemWith({ mcpServers: { memory: { command: 'npx', args: ['-y', 42] } } })).toBe(`${FILE}: server "memory": field "args.1": use a string`);
    expect(problemWith({ mcpServers: { memory: { command: 'npx', approval: 'sometimes' } } })).toMatch(
      new RegExp(`^${FILE}: server "memory": field "approval": use "writes" \\(the default\\), "always" or "never"$`),
    );
    expect(problemWith({ mcpServers: { tracker: { url: 'ftp://example.com' } } })).toBe(`${FILE}: server "tracker": field "url": use an http:// or https:// address`);
    expect(problemWith({ mcpServers: { tracker: { type: 'http', url: 'https://x.example', headers: { Authorization: 7 } } } })).toBe(
      `${FILE}: server "tracker": field "headers.Authorization": use a string`,
    );
    expect(problemWith({ mcpServers: { empty: {} } })).toMatch(/server "empty": needs "command" \(a program that runs the server\) or "url"/);
    expect(problemWith({ mcpServers: { odd: 'npx server' } })).toBe(`${FILE}: server "odd": use an object with "command" or "url"`);
    expect(problemWith({ mcpServers: { memory: { command: 'npx', tools: 'read_graph' } } })).toBe(`${FILE}: server "memory": field "tools": use a list of tool names`);
    expect(problemWith({ mcpServers: [] })).toMatch(new RegExp(`^${FILE}: field "mcpServers": use an object whose keys name the servers`));
    expect(() => parseMcpConfig('{"mcpServers": {', FILE)).toThrow(new RegExp(`^${FILE}: not valid JSON`));
  });
});

describe('where the MCP servers file is', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'od-mcp-config-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is mcp.json in the data folder, which may be absent, or the file DISPATCH_MCP_CONFIG names, which must exist', async () => {
    const byDefault = loadConfig({ DISPATCH_HOME: dir });
    expect(byDefault.mcp).toEqual({ configFile: path.join(dir, 'mcp.json'), required: false });
    expect(loadMcpConfig(byDefault.mcp.configFile, byDefault.mcp)).toEqual({ file: path.join(dir, 'mcp.json'), servers: [] });

    const named = loadConfig({ DISPATCH_HOME: dir, DISPATCH_MCP_CONFIG: path.join(dir, 'elsewhere.json') });
    expect(named.mcp).toEqual({ configFile: path.join(dir, 'elsewhere.json'), required: true });
    expect(() => loadMcpConfig(named.mcp.configFile, named.mcp)).toThrow(`DISPATCH_MCP_CONFIG names ${path.join(dir, 'elsewhere.json')}, which does not exist`);

    await writeFile(path.join(dir, 'elsewhere.json'), JSON.stringify({ mcpServers: { memory: { command: 'npx' } } }));
    expect(loadMcpConfig(named.mcp.configFile, named.mcp).servers.map((server) => server.name)).toEqual(['memory']);
  });
});
