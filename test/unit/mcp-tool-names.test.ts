import { describe, expect, it } from 'vitest';
import { fitToolName, isMcpToolName, MAX_TOOL_NAME, nameCollisions, splitToolName } from '../../common/mcp-tool-names.js';

const API_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

describe('the names MCP tools are offered under', () => {
  it('are mcp__<server>__<tool>, with characters the API refuses turned into underscores', () => {
    expect(fitToolName('memory', 'read_graph')).toBe('mcp__memory__read_graph');
    expect(fitToolName('everything', 'get-tiny-image')).toBe('mcp__everything__get-tiny-image');
    expect(fitToolName('my.files', 'read file/π')).toBe('mcp__my_files__read_file__');
    expect(fitToolName('', '')).toBe('mcp______');
    for (const name of ['mcp__my_files__read_file__', 'mcp______']) expect(name).toMatch(API_NAME);
  });

  it('are cut to 64 characters with a hash of the full names, so long names that share a start still differ', () => {
    const server = 'a-server-with-a-rather-long-name';
    const first = fitToolName(server, 'list_every_open_pull_request_in_the_repository');
    const second = fitToolName(server, 'list_every_open_pull_request_in_the_organisation');
    expect(first).toHaveLength(MAX_TOOL_NAME);
    expect(second).toHaveLength(MAX_TOOL_NAME);
    expect(first).toMatch(API_NAME);
    expect(first).not.toBe(second);
    expect(first.slice(0, 55)).toBe(second.slice(0, 55));
    expect(first).toMatch(/_[0-9a-f]{8}$/);
    expect(fitToolName(server, 'list_every_open_pull_request_in_the_repository')).toBe(first);
  });

  it('are told apart from every other tool, and read back as server and tool for the phone', () => {
    expect(isMcpToolName('mcp__memory__read_graph')).toBe(true);
    expect(isMcpToolName('mcp__')).toBe(false);
    expect(isMcpToolName('computer')).toBe(false);
    expect(isMcpToolName('str_replace_based_edit_tool')).toBe(false);
    expect(splitToolName('mcp__memory__create_entities')).toEqual({ server: 'memory', tool: 'create_entities' });
    expect(splitToolName('mcp__everything__get-tiny-image')).toEqual({ server: 'everything', tool: 'get-tiny-image' });
  });

  it('report two tools that would share a name, naming both servers and both tools', () => {
    const tools = [
      { server: 'my.files', tool: 'read', name: fitToolName('my.files', 'read') },
      { server: 'my_files', tool: 'read', name: fitToolName('my_files', 'read') },
      { server: 'my_files', tool: 'write', name: fitToolName('my_files', 'write') },
    ];
    expect(nameCollisions(tools)).toEqual(['server "my.files" tool "read" and server "my_files" tool "read" would both be offered as "mcp__my_files__read"']);
    expect(nameCollisions(tools.slice(1))).toEqual([]);
  });
});
