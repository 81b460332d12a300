import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { servicePlan } from '../../cli/service.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', path.join(REPO, 'cli/opendispatch.ts'), ...args], { env, cwd: REPO, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

describe('opendispatch service: start at login', { timeout: 60_000 }, () => {
  let scratch: string;
  let env: NodeJS.ProcessEnv;
  let calls: string;

  beforeEach(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'od-service-'));
    // A stand-in systemctl that records what it was asked: the test enables no real service.
    const bin = path.join(scratch, 'bin');
    calls = path.join(scratch, 'systemctl-calls');
    await mkdir(bin);
    await writeFile(path.join(bin, 'systemctl'), `#!/bin/sh\necho "$@" >> '${calls}'\n`);
    await chmod(path.join(bin, 'systemctl'), 0o755);
    env = {
      PATH: `${bin}:${process.env.PATH}`,
      HOME: path.join(scratch, 'me'),
      XDG_CONFIG_HOME: path.join(scratch, 'me', '.config'),
      DISPATCH_HOME: path.join(scratch, 'me', '.opendispatch'),
      DISPLAY: ':7',
      XAUTHORITY: path.join(scratch, 'me', '.Xauthority'),
      ANTHROPIC_API_KEY: 'sk-ant-test-secret-key',
      DISPATCH_PORT: '8799',
      LANG: 'C.UTF-8',
    };
  });

  it('installs a systemd user unit that runs `opendispatch start` in the session, keeping the API key out of it', async () => {
    const installed = await runCli(['service', 'install'], env);
    expect(installed.stderr).toBe('');
    expect(installed.code).toBe(0);
    const unitFile = path.join(scratch, 'me', '.config', 'systemd', 'user', 'opendispatch.service');
    const unit = await readFile(unitFile, 'utf8');
    expect(unit).toContain(`WorkingDirectory=${REPO}\n`);
    expect(unit).toContain(`ExecStart="${process.execPath}" "--import" "tsx" "${REPO}/cli/opendispatch.ts" "start"\n`);
    expect(unit).toContain('Environment="DISPLAY=:7"\n');
    expect(unit).toContain(`Environment="XAUTHORITY=${env.XAUTHORITY}"\n`);
    expect(unit).toContain('Restart=on-failure\n');
    expect(unit).toContain('WantedBy=default.target\n');
    expect(unit).not.toContain('sk-ant');

    const envFile = path.join(env.DISPATCH_HOME!, 'service.env');
    expect(unit).toContain(`EnvironmentFile=-${envFile}\n`);
    expect((await stat(envFile)).mode & 0o777).toBe(0o600);
    const settings = await readFile(envFile, 'utf8');
    expect(settings).toContain('ANTHROPIC_API_KEY="sk-ant-test-secret-key"\n');
    expect(settings).toContain('DISPATCH_PORT="8799"\n');
    expect(settings).toContain(`DISPATCH_HOME="${env.DISPATCH_HOME}"\n`);
    expect(installed.stdout).not.toContain('sk-ant');
    expect(await readFile(calls, 'utf8')).toBe('--user daemon-reload\n--user enable --now opendispatch.service\n');

    // systemd's own checker, where the machine has it, finds nothing wrong with the unit.
    const analyze = spawnSync('systemd-analyze', ['verify', unitFile], { encoding: 'utf8' });
    if (!analyze.error) {
      expect(analyze.status).toBe(0);
      expect(`${analyze.stdout}${analyze.stderr}`).not.toContain(unitFile);
    }

    const status = await runCli(['service', 'status'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`Installed as a systemd user service: ${unitFile}`);

    const removed = await runCli(['service', 'uninstall'], env);
    expect(removed.code).toBe(0);
    expect(existsSync(unitFile)).toBe(false);
    expect(existsSync(envFile)).toBe(false);
    expect(await readFile(calls, 'utf8')).toMatch(/--user disable --now opendispatch.service\n--user daemon-reload\n$/);
  });

  it('--print shows the unit and the commands, hides the key, and changes nothing', async () => {
    const printed = await runCli(['service', 'install', '--print'], env);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain('[Service]');
    expect(printed.stdout).toContain('ANTHROPIC_API_KEY="[hidden]"');
    expect(printed.stdout).toContain('$ systemctl --user enable --now opendispatch.service');
    expect(printed.stdout).not.toContain('sk-ant');
    expect(existsSync(path.join(scratch, 'me', '.config'))).toBe(false);
    expect(existsSync(calls)).toBe(false);
  });

  it('refuses an unknown action as a usage error', async () => {
    const wrong = await runCli(['service', 'enable'], env);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/install, uninstall or status/);
  });

  it('makes a launchd agent on macOS and a per-user Scheduled Task on Windows from the same settings', () => {
    const mac = servicePlan({ platform: 'darwin', env: { HOME: '/Users/me', DISPATCH_PORT: '8799', ANTHROPIC_API_KEY: 'k' }, home: '/Users/me/.opendispatch', node: '/usr/local/bin/node', repo: '/Users/me/od' });
    const plist = String(mac.files[0]!.content);
    expect(mac.files[0]!.path).toBe('/Users/me/Library/LaunchAgents/dev.opendispatch.agent.plist');
    expect(plist).toContain('<string>/usr/local/bin/node</string>\n    <string>--import</string>\n    <string>tsx</string>\n    <string>/Users/me/od/cli/opendispatch.ts</string>\n    <string>start</string>');
    expect(plist).toContain('<key>SuccessfulExit</key>\n    <false/>');
    expect(plist).toContain('<key>DISPATCH_PORT</key>\n    <string>8799</string>');
    expect(mac.install[0]![0]).toBe('launchctl');

    const windows = servicePlan({ platform: 'win32', env: { USERDOMAIN: 'PC', USERNAME: 'me', ANTHROPIC_API_KEY: 'k', PATH: 'C:\\node' }, home: 'C:\\Users\\me\\.opendispatch', node: 'C:\\node\\node.exe', repo: 'C:\\od' });
    const launcher = String(windows.files[0]!.content);
    expect(launcher).toContain('set "ANTHROPIC_API_KEY=k"\r\n');
    expect(launcher).toMatch(/"C:\\node\\node\.exe" --import tsx ".*opendispatch\.ts" start\r\n$/);
    const xml = (windows.files[1]!.content as Buffer).subarray(2).toString('utf16le');
    expect(xml).toContain('<LogonTrigger>');
    expect(xml).toContain('<UserId>PC\\me</UserId>');
    expect(xml).toContain('<RunLevel>LeastPrivilege</RunLevel>');
    expect(xml).toContain('<RestartOnFailure>');
    expect(windows.install[0]).toEqual(['schtasks', '/Create', '/TN', 'OpenDispatch', '/XML', windows.files[1]!.path, '/F']);
  });
});
