import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DispatchConfig } from '../common/config.js';
import { isSecretField } from '../common/log-redaction.js';
import {
  carriedEnvironment,
  LAUNCHD_LABEL,
  launchdPlist,
  SERVICE_NAME,
  systemdEnvironmentFile,
  systemdUnit,
  windowsLauncher,
  windowsTaskXml,
  type ServiceSpec,
} from './service-files.js';
import { ExitCode, UsageError } from './usage.js';

const REPO = fileURLToPath(new URL('..', import.meta.url)).replace(/[\\/]+$/, '');

/** A file the service needs, and who may read it. */
export interface ServiceFile {
  path: string;
  content: string | Buffer;
  mode: number;
}

/** Everything `install`, `uninstall` and `status` do on one platform: files, then commands. */
export interface ServicePlan {
  kind: string;
  files: ServiceFile[];
  install: string[][];
  uninstall: string[][];
  status: string[][];
  /** Said after a successful install. */
  note: string;
}

/** The plan for `platform`, from the installing shell's environment. */
export function servicePlan(options: { platform: NodeJS.Platform; env: NodeJS.ProcessEnv; home: string; node?: string; repo?: string }): ServicePlan {
  const repo = options.repo ?? REPO;
  const userHome = options.env.HOME ?? os.homedir();
  const extra: Record<string, string> = { DISPATCH_HOME: options.home };
  const xauthority = path.join(userHome, '.Xauthority');
  if (options.platform === 'linux' && !options.env.XAUTHORITY && existsSync(xauthority)) extra.XAUTHORITY = xauthority;
  const spec: ServiceSpec = { node: options.node ?? process.execPath, repo, cli: path.join(repo, 'cli', 'opendispatch.ts'), env: carriedEnvironment(options.env, extra) };
  const unit = `${SERVICE_NAME}.service`;

  switch (options.platform) {
    case 'darwin': {
      const plist = path.join(userHome, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`);
      const domain = `gui/${process.getuid?.() ?? 501}`;
      return {
        kind: 'launchd agent',
        files: [{ path: plist, content: launchdPlist(spec, path.join(options.home, 'logs')), mode: 0o600 }],
        install: [['launchctl', 'bootstrap', domain, plist]],
        uninstall: [['launchctl', 'bootout', `${domain}/${LAUNCHD_LABEL}`]],
        status: [['launchctl', 'print', `${domain}/${LAUNCHD_LABEL}`]],
        note: 'OpenDispatch now starts when you log in, and is running.',
      };
    }
    case 'win32': {
      const launcher = path.join(options.home, 'opendispatch-service.cmd');
      const taskXml = path.join(options.home, 'opendispatch-task.xml');
      const user = `${options.env.USERDOMAIN ?? os.hostname()}\\${options.env.USERNAME ?? os.userInfo().username}`;
      // schtasks reads task XML as UTF-16 with a byte order mark.
      const xml = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(windowsTaskXml(launcher, user), 'utf16le')]);
      return {
        kind: 'Scheduled Task',
        files: [
          { path: launcher, content: windowsLauncher(spec), mode: 0o600 },
          { path: taskXml, content: xml, mode: 0o600 },
        ],
        install: [
          ['schtasks', '/Create', '/TN', 'OpenDispatch', '/XML', taskXml, '/F'],
          ['schtasks', '/Run', '/TN', 'OpenDispatch'],
        ],
        uninstall: [['schtasks', '/Delete', '/TN', 'OpenDispatch', '/F']],
        status: [['schtasks', '/Query', '/TN', 'OpenDispatch', '/V', '/FO', 'LIST']],
        note: 'OpenDispatch now starts when you log in, and is running.',
      };
    }
    default: {
      const configHome = options.env.XDG_CONFIG_HOME || path.join(userHome, '.config');
      const envFile = path.join(options.home, 'service.env');
      return {
        kind: 'systemd user service',
        files: [
          { path: path.join(configHome, 'systemd', 'user', unit), content: systemdUnit(spec, envFile), mode: 0o644 },
          { path: envFile, content: systemdEnvironmentFile(spec.env), mode: 0o600 },
        ],
        install: [
          ['systemctl', '--user', 'daemon-reload'],
          ['systemctl', '--user', 'enable', '--now', unit],
        ],
        uninstall: [
          ['systemctl', '--user', 'disable', '--now', unit],
          ['systemctl', '--user', 'daemon-reload'],
        ],
        status: [['systemctl', '--user', 'status', '--no-pager', unit]],
        note:
          'OpenDispatch now starts when you log in, and is running (`journalctl --user -u opendispatch` shows its output).\n' +
          'To start it at boot before anyone logs in: `loginctl enable-linger`.',
      };
    }
  }
}

type Run = (command: string[]) => Promise<{ code: number; output: string }>;

const runCommand: Run = (command) =>
  new Promise((resolve) => {
    execFile(command[0]!, command.slice(1), { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? Number((error as { code: number }).code) : 127) : 0;
      resolve({ code, output: `${stdout}${stderr}`.trim() || (error && code === 127 ? error.message : '') });
    });
  });

/**
 * `opendispatch service install|uninstall|status [--print]`: registers `opendispatch start` to run
 * at login with the platform's own service manager. `--print` shows the files and commands and
 * changes nothing. Stop an `npm start` you run by hand before installing: both would want the
 * same ports.
 */
export async function runServiceCommand(
  action: string | undefined,
  options: { config: Readonly<DispatchConfig>; print: boolean; write: (line: string) => void; env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform; run?: Run },
): Promise<number> {
  if (action !== 'install' && action !== 'uninstall' && action !== 'status') {
    throw new UsageError(`service takes install, uninstall or status${action ? `, not "${action}"` : ''}.`, 'service');
  }
  const { write } = options;
  const run = options.run ?? runCommand;
  const env = options.env ?? process.env;
  // What --print shows may end up in a bug report: no API key in it.
  const shown = options.print ? Object.fromEntries(Object.entries(env).map(([key, value]) => [key, isSecretField(key, value) ? '[hidden]' : value])) : env;
  const plan = servicePlan({ platform: options.platform ?? process.platform, env: shown, home: options.config.home });
  const commands = plan[action];
  if (options.print) {
    for (const file of action === 'install' ? plan.files : []) write(`# ${file.path} (mode ${file.mode.toString(8)})\n${file.content.toString()}`);
    for (const command of commands) write(`$ ${command.join(' ')}`);
    return ExitCode.done;
  }
  if (action === 'install') {
    for (const file of plan.files) {
      await mkdir(path.dirname(file.path), { recursive: true, mode: 0o700 });
      await writeFile(file.path, file.content, { mode: file.mode });
      write(`Wrote ${file.path}`);
    }
  }
  if (action === 'status') write(plan.files.every((file) => existsSync(file.path)) ? `Installed as a ${plan.kind}: ${plan.files[0]!.path}` : `Not installed (no ${plan.files[0]!.path}).`);
  let failed = false;
  for (const command of commands) {
    const { code, output } = await run(command);
    if (output) write(output);
    // `status` of a stopped service exits non-zero by design; the text says why.
    if (code !== 0 && action !== 'status') {
      write(`\`${command.join(' ')}\` failed (exit ${code}).`);
      failed = true;
      // An uninstall goes on: the files go even when the service manager no longer knows them.
      if (action === 'install') break;
    }
  }
  if (action === 'uninstall') {
    for (const file of plan.files) await rm(file.path, { force: true });
    write(`Removed the ${plan.kind}.`);
  }
  if (action === 'install' && !failed) write(plan.note);
  return failed ? ExitCode.failed : ExitCode.done;
}
