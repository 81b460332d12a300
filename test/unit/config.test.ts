import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_MODEL, loadConfig } from '../../common/config.js';
import { COMPUTER_DIALECTS, DEFAULT_MODEL as TABLE_DEFAULT_MODEL, modelProfile } from '../../common/models.js';

describe('configuration from the environment', () => {
  it('runs an embedded Temporal on the documented default ports with data in ~/.opendispatch', () => {
    const config = loadConfig({});
    expect(config.home).toBe(path.join(os.homedir(), '.opendispatch'));
    expect(config.temporal).toMatchObject({ kind: 'embedded', port: 7233, uiPort: 8233, namespace: 'default' });
    expect(config.roots).toEqual([path.join(os.homedir(), '.opendispatch', 'files')]);
    expect(config.maxSteps).toBe(60);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('uses the newest Sonnet that speaks the computer-use toolset unless DISPATCH_MODEL says otherwise', () => {
    expect(loadConfig({}).model).toBe('claude-sonnet-5-5');
    expect(DEFAULT_MODEL).toBe(TABLE_DEFAULT_MODEL);
    expect(modelProfile(loadConfig({}).model).dialect).toBe('computer_toolset_20260801');
    expect(loadConfig({ DISPATCH_MODEL: ' claude-opus-4-1-20250805 ' }).model).toBe('claude-opus-4-1-20250805');
    expect(loadConfig({ DISPATCH_MODEL: '' }).model).toBe('claude-sonnet-5-5');
  });

  it('takes every computer-use dialect as DISPATCH_COMPUTER_TOOL, the toolset included', () => {
    for (const dialect of COMPUTER_DIALECTS) expect(loadConfig({ DISPATCH_COMPUTER_TOOL: dialect }).computerToolOverride).toBe(dialect);
    expect(COMPUTER_DIALECTS).toContain('computer_toolset_20260801');
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
    expect(() => loadConfig({ DISPATCH_MODEL: 'claude sonnet' })).toThrow(/DISPATCH_MODEL/);
    expect(() => loadConfig({ DISPATCH_MODEL: '-claude' })).toThrow(ConfigError);
    expect(() => loadConfig({ DISPATCH_COMPUTER_TOOL: 'computer_20240101' })).toThrow(/DISPATCH_COMPUTER_TOOL/);
  });

describe('the task time limit', () => {
  it('defaults to two hours and takes seconds, minutes or hours', () => {
    expect(loadConfig({}).taskTimeoutSeconds).toBe(7200);
    expect(loadConfig({ DISPATCH_TASK_TIMEOUT: '90m' }).taskTimeoutSeconds).toBe(5400);
    expect(loadConfig({ DISPATCH_TASK_TIMEOUT: '3h' }).taskTimeoutSeconds).toBe(10800);
    expect(loadConfig({ DISPATCH_TASK_TIMEOUT: '600' }).taskTimeoutSeconds).toBe(600);
  });

  it('refuses what is not a duration, naming the variable', () => {
    for (const value of ['soon', '-5m', '2 days', '1s']) expect(() => loadConfig({ DISPATCH_TASK_TIMEOUT: value }), value).toThrow(/DISPATCH_TASK_TIMEOUT/);
  });
});
});
