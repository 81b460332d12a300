import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatMcpStatus, type McpStatusReport } from '../../common/mcp-status.js';
import { createDeviceRegistry, type DeviceRegistry } from '../../gateway/device-registry.js';
import { createPairingCodes } from '../../gateway/pairing-codes.js';
import { createSetupRouter } from '../../gateway/setup-page.js';
import { readMcpStatus, writeMcpStatus } from '../../worker/mcp-status-file.js';
import { buildGatewayTestApp, listen, type ListeningApp } from '../helpers/gateway-test-app.js';

const REPORT: McpStatusReport = {
  updatedAt: '2026-05-01T10:00:00.000Z',
  configFile: '/home/ana/.opendispatch/mcp.json',
  servers: [
    {
      name: 'memory',
      transport: 'stdio',
      state: 'running',
      since: '2026-05-01T09:59:58.000Z',
      pid: 4242,
      restarts: 1,
      tools: [
        { name: 'create_entities', offeredAs: 'mcp__memory__create_entities', readOnly: false, approval: true, retrySafe: false },
        { name: 'read_graph', offeredAs: 'mcp__memory__read_graph', readOnly: true, approval: false, retrySafe: true },
      ],
    },
    { name: '<tracker>', transport: 'http', state: 'down', since: '2026-05-01T09:59:59.000Z', error: 'could not start: fetch failed; next try in 4 s', restarts: 2, tools: [] },
  ],
};

describe('what the person is shown of their MCP servers', () => {
  let dir: string;
  let registry: DeviceRegistry;
  let server: ListeningApp;
  let report: McpStatusReport | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'od-mcp-status-'));
    registry = await createDeviceRegistry({ file: path.join(dir, 'devices.json') });
    report = REPORT;
    const quiet = { info() {}, warn() {}, error() {} };
    const setup = createSetupRouter({
      codes: createPairingCodes(),
      registry,
      publicUrl: 'http://192.0.2.10:8787',
      roots: [dir],
      keepAwake: () => ({ mode: 'none', active: false }),
      mcpServers: () => report,
      logger: quiet,
      isLoopback: () => true,
    });
    server = await listen(buildGatewayTestApp([setup]));
  });
  afterEach(async () => {
    await server.close();
    await registry.flush();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints each server, its state and its tools for `opendispatch mcp list`', () => {
    expect(formatMcpStatus(REPORT)).toBe(
      [
        'MCP servers from /home/ana/.opendispatch/mcp.json, as the desktop worker reported at 2026-05-01T10:00:00.000Z:',
        '  memory (stdio): running, pid 4242, restarted 1 time, 2 tools',
        '    mcp__memory__create_entities  may change things, asks you first',
        '    mcp__memory__read_graph       read-only, runs without asking',
        '  <tracker> (http): down: could not start: fetch failed; next try in 4 s, restarted 2 times, 0 tools',
        '',
      ].join('\n'),
    );
  });

  it('shows the same on the setup page, escaped, and says when the worker has not reported', async () => {
    const html = await (await fetch(`${server.base}/setup`)).text();
    expect(html).toContain('<h2>Connectors (MCP servers)</h2>');
    expect(html).toContain('<code>mcp__memory__create_entities</code> <span class="muted">may change things, asks you first</span>');
    expect(html).toContain('running, pid 4242, restarted 1 time, 2 tools');
    expect(html).toContain('&lt;tracker&gt;');
    expect(html).not.toContain('<tracker>');
    expect(html).toContain('<td class="danger">down: could not start: fetch failed; next try in 4 s');

    report = undefined;
    expect(await (await fetch(`${server.base}/setup`)).text()).toContain('The desktop worker has not reported on MCP servers yet.');
  });

  it('travels from the worker to the other processes through a file in the data folder', () => {
    expect(readMcpStatus(dir)).toBeUndefined();
    writeMcpStatus(dir, REPORT);
    expect(readMcpStatus(dir)).toEqual(REPORT);
  });
});
