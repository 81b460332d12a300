import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSecretField, redactFields } from '../../common/log-redaction.js';
import { createLogger, createProcessLogger } from '../../common/logger.js';
import { createRotatingFile } from '../../common/rotating-file.js';

function captured(): { lines: string[]; write: (line: string) => void; records: () => Array<Record<string, unknown>> } {
  const lines: string[] = [];
  return { lines, write: (line) => lines.push(line), records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('what reaches a log line', () => {
  it('keeps exit and status codes and error names, and hides pairing codes, tokens and keys', () => {
    const log = captured();
    createLogger('test', log.write).warn('the sleep inhibitor exited', {
      code: 1,
      exitCode: 137,
      statusCode: 401,
      errno: 'ECONNREFUSED',
      errorCode: 'ERR_SOCKET_CLOSED',
      pairingCode: 'q7Zk3vYb2N0xWmR4tPa1Lc',
      token: 'a'.repeat(43),
      apiKey: 'sk-ant-api03-abcdefgh',
      headers: { authorization: 'Bearer abcdefghijkl', 'x-api-key': 'sk-ant-xyz12345' },
      keyboardTarget: 'window',
      cacheReadTokens: 1200,
    });
    const [record] = log.records();
    expect(record).toMatchObject({
      level: 'warn',
      component: 'test',
      message: 'the sleep inhibitor exited',
      code: 1,
      exitCode: 137,
      statusCode: 401,
      errno: 'ECONNREFUSED',
      errorCode: 'ERR_SOCKET_CLOSED',
      pairingCode: '[redacted]',
      token: '[redacted]',
      apiKey: '[redacted]',
      headers: { authorization: '[redacted]', 'x-api-key': '[redacted]' },
      keyboardTarget: 'window',
      cacheReadTokens: 1200,
    });
    expect(typeof record!.time).toBe('string');
  });

  it('masks secrets inside text and messages, and never writes an image', () => {
    const log = captured();
    const screenshot = `iVBORw0KGgo${'A'.repeat(5000)}`;
    createLogger('test', log.write).error('call with sk-ant-api03-secretsecret failed', {
      error: new Error('401 from https://x/#pair=abcdefghijkl with Bearer abcdefghijklmnop'),
      image: screenshot,
      bytes: Buffer.alloc(2048),
    });
    const text = log.lines.join('');
    expect(text).not.toMatch(/secretsecret|abcdefghijkl|iVBORw0KGgo/);
    const [record] = log.records();
    expect(record!.message).toBe('call with sk-ant-[redacted] failed');
    expect(record!.image).toBe('[image data, 5011 characters]');
    expect(record!.bytes).toBe('[2048 bytes]');
    expect((record!.error as { message: string }).message).toContain('#pair=[redacted]');
  });

  it('tells a secret field from a count by name and value', () => {
    expect(isSecretField('code', 0)).toBe(false);
    expect(isSecretField('code', 'XyZ12_abc-Q')).toBe(true);
    expect(isSecretField('deviceToken', 'x')).toBe(true);
    expect(isSecretField('inputTokens', 10)).toBe(false);
    expect(redactFields({ nested: { deeper: { password: 'hunter2' } } })).toEqual({ nested: { deeper: { password: '[redacted]' } } });
  });
});

describe('a long-running process logs JSON to a private file and short lines to the terminal', () => {
  it('writes each record once to each, hides Temporal chatter from the terminal, and never prints a stack', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'od-logs-'));
    const terminal: string[] = [];
    const logger = createProcessLogger({ component: 'worker', logFile: path.join(dir, 'logs', 'worker.log'), terminal: (line) => terminal.push(line) });
    logger.info('desktop worker polling', { desktopId: 'd1', taskQueue: 'desktop-d1', namespace: 'default' });
    logger.temporal('info', 'model decided', { toolUses: ['computer'], stopReason: 'tool_use', cacheReadTokens: 0, workflowId: 'task-1' });
    const failure = Object.assign(new Error('The API key was refused (401). Check ANTHROPIC_API_KEY.'), { stack: 'Error: x\n    at a (b.ts:1:1)\n    at c (d.ts:2:2)' });
    logger.temporal('warn', 'Activity failed', { error: failure, workflowId: 'task-1', activityType: 'decideNextStep', attempt: 1 });
    logger.temporal('warn', 'Workflow failed', { error: Object.assign(new Error('Activity task failed'), { cause: failure }), workflowId: 'task-1' });
    logger.close();

    const file = path.join(dir, 'logs', 'worker.log');
    const records = (await readFile(file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((record) => record.message)).toEqual(['desktop worker polling', 'model decided', 'Activity failed', 'Workflow failed']);
    expect((records[2]!.error as { stack: string }).stack).toContain('at a (b.ts:1:1)');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(dir, 'logs'))).mode & 0o777).toBe(0o700);

    expect(terminal).toHaveLength(3);
    expect(terminal[2]).toMatch(/worker warn: Workflow failed \(error=The API key was refused \(401\)\. Check ANTHROPIC_API_KEY\., workflowId=task-1\)/);
    expect(terminal[0]).toMatch(/^\d\d:\d\d:\d\d worker desktop worker polling \(desktopId=d1\)\n$/);
    expect(terminal[1]).toMatch(/worker warn: Activity failed \(.*error=The API key was refused \(401\)\. Check ANTHROPIC_API_KEY\./);
    for (const line of terminal) {
      expect(line.trimEnd().split('\n')).toHaveLength(1);
      expect(line).not.toMatch(/^\s*at |\{"/);
    }
  });

  it('rotates its file by size and keeps a few old ones', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'od-roll-'));
    const file = createRotatingFile(path.join(dir, 'x.log'), { maxBytes: 100, keep: 2 });
    for (let line = 0; line < 20; line++) file.write(`${String(line).padStart(2, '0')} ${'x'.repeat(36)}\n`);
    file.close();
    expect((await readdir(dir)).sort()).toEqual(['x.log', 'x.log.1', 'x.log.2']);
    expect(await readFile(path.join(dir, 'x.log'), 'utf8')).toMatch(/^18 .*\n19 .*\n$/);
    expect(await readFile(path.join(dir, 'x.log.1'), 'utf8')).toMatch(/^16 .*\n17 .*\n$/);
    for (const name of await readdir(dir)) expect((await stat(path.join(dir, name))).mode & 0o777).toBe(0o600);
  });
});
