import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../common/config.js';
import { toolVersionsForModel } from '../../activities/model/computer-tools.js';

describe('configuration from the environment', () => {
  it('runs an embedded Temporal on the documented default ports with data in ~/.opendispatch', () => {
    const config = loadConfig({});
    expect(config.home).toBe(path.join(os.homedir(), '.opendispatch'));
    expect(config.temporal).toMatchObject({ kind: 'embedded', port: 7233, uiPort: 8233, namespace: 'default' });
    expect(config.roots).toEqual([path.join(os.homedir(), '.opendispatch', 'files')]);
    expect(config.maxSteps).toBe(60);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('lets two data folders run side by side on other ports', () => {
    const config = loadConfig({ DISPATCH_HOME: '/tmp/b', DISPATCH_TEMPORAL_PORT: '7300', DISPATCH_TEMPORAL_UI_PORT: '8300' });
    expect(config.temporal).toMatchObject({ kind: 'embedded', address: '127.0.0.1:7300', databaseFile: '/tmp/b/temporal.sqlite' });
  });

  it('connects to Temporal Cloud with an API key over TLS', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'ns.acct', TEMPORAL_API_KEY: 'k' });
    expect(config.temporal).toEqual({ kind: 'external', address: 'ns.acct.tmprl.cloud:7233', namespace: 'ns.acct', apiKey: 'k', tls: true });
  });

  it('splits granted folders on the path separator', () => {
    expect(loadConfig({ DISPATCH_ROOTS: ['/a', '/b/c'].join(path.delimiter) }).roots).toEqual(['/a', '/b/c']);
  });

  it('refuses bad values at start-up, naming the variable', () => {
    expect(() => loadConfig({ DISPATCH_TEMPORAL_PORT: 'seventy' })).toThrow(/DISPATCH_TEMPORAL_PORT/);
    expect(() => loadConfig({ DISPATCH_DESKTOP_ID: 'my desk!' })).toThrow(ConfigError);
    expect(() => loadConfig({ DISPATCH_TEMPORAL_PORT: '8000', DISPATCH_TEMPORAL_UI_PORT: '8000' })).toThrow(/must all differ/);
  });
});

describe('which computer tool a model is offered', () => {
  it('gives models trained on the newer tool computer_20251124 with zoom', () => {
    expect(toolVersionsForModel('claude-opus-4-5')).toMatchObject({ computer: 'computer_20251124', beta: 'computer-use-2025-11-24', zoom: true });
    expect(toolVersionsForModel('claude-sonnet-4-6').computer).toBe('computer_20251124');
  });
  it('gives older models computer_20250124, unless overridden', () => {
    expect(toolVersionsForModel('claude-sonnet-4-5-20250929')).toMatchObject({ computer: 'computer_20250124', beta: 'computer-use-2025-01-24', zoom: false });
    expect(toolVersionsForModel('claude-sonnet-4-5', 'computer_20251124').computer).toBe('computer_20251124');
  });
});
