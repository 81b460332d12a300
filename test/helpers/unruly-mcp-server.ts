/**
 * A stdio MCP server that misbehaves on request, built on the SDK's own server class, for tests
 * of how the desktop copes: `exit_mid_call` dies while a call waits, `hang` never answers,
 * `garbage` writes a line that is not JSON-RPC, `bad_result` answers with a result that is not a
 * tool result. `echo` (read-only) and `note` (a write) behave. Run with `node --import tsx`.
 * UNRULY_LOG, if set, names a file each `note` call appends its text to, so a test can count them.
 */
import { appendFileSync } from 'node:fs';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'unruly', version: '1.0.0' });
const never = (): Promise<never> => new Promise(() => undefined);

server.registerTool('echo', { description: 'Echoes the text back', inputSchema: { text: z.string() }, annotations: { readOnlyHint: true } }, async ({ text }) => ({
  content: [{ type: 'text', text: `echo: ${text}` }],
}));

server.registerTool('note', { description: 'Appends a note', inputSchema: { text: z.string() }, annotations: { readOnlyHint: false } }, async ({ text }) => {
  if (process.env.UNRULY_LOG) appendFileSync(process.env.UNRULY_LOG, `${text}\n`);
  return { content: [{ type: 'text', text: 'noted' }] };
});

server.registerTool('exit_mid_call', { description: 'Exits while the call waits', annotations: { readOnlyHint: true } }, async () => {
  setTimeout(() => process.exit(3), 50);
  return never();
});

server.registerTool('hang', { description: 'Never answers', annotations: { readOnlyHint: true } }, async () => never());

server.registerTool('garbage', { description: 'Writes a line that is not JSON-RPC', annotations: { readOnlyHint: true } }, async () => {
  process.stdout.write('this is not JSON-RPC at all\n');
  return never();
});

server.registerTool('bad_result', { description: 'Answers with something that is not a tool result', annotations: { readOnlyHint: true } }, async (extra) => {
  process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', id: extra.requestId, result: { content: 'not a list', isError: 'maybe' } })}\n`);
  return never();
});

await server.connect(new StdioServerTransport());
