/**
 * The files that start OpenDispatch at login, one kind per platform, generated from one
 * description so they run the same command with the same settings. Pure text; cli/service.ts
 * writes them and runs the platform's own tool.
 */

/** What the service runs, and with which settings. */
export interface ServiceSpec {
  /** The Node.js executable (`process.execPath` of the installing shell). */
  node: string;
  /** The checkout: the working directory, where `--import tsx` is found. */
  repo: string;
  /** The CLI entry, `<repo>/cli/opendispatch.ts`. */
  cli: string;
  /** Settings carried over from the installing shell (see {@link carriedEnvironment}). */
  env: Record<string, string>;
}

/** The unit, agent and task name. */
export const SERVICE_NAME = 'opendispatch';
export const LAUNCHD_LABEL = 'dev.opendispatch.agent';
/** Shown by the desktop session, never secret: they go into the unit itself. */
const SESSION_VARIABLES = ['DISPLAY', 'XAUTHORITY'];
const CARRIED = /^(DISPATCH_|TEMPORAL_|ANTHROPIC_)/;

/**
 * The installing shell's settings the service needs: every DISPATCH_, TEMPORAL_ and ANTHROPIC_
 * variable (the API key included: a login service has no shell to inherit it from), the X
 * session's DISPLAY and XAUTHORITY, PATH (to find `temporal`, `xdotool`) and LANG.
 */
export function carriedEnvironment(env: NodeJS.ProcessEnv, extra: Record<string, string> = {}): Record<string, string> {
  const carried: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || value === '') continue;
    if (CARRIED.test(key) || SESSION_VARIABLES.includes(key) || key === 'PATH' || key === 'LANG') carried[key] = value;
  }
  return { ...carried, ...extra };
}

/** A value inside systemd double quotes: `\`, `"` and `$` escaped, `%` doubled (a specifier otherwise). */
function systemdQuoted(value: string): string {
  return `"${value.replace(/[\\"$]/g, (char) => `\\${char}`).replace(/%/g, '%%')}"`;
}

/**
 * The systemd user unit. DISPLAY and XAUTHORITY are in the unit, the rest in `envFile` (0600, in
 * the private data folder), so the API key is in no file another user can read.
 */
export function systemdUnit(spec: ServiceSpec, envFile: string): string {
  const session = SESSION_VARIABLES.filter((key) => spec.env[key]).map((key) => `Environment=${systemdQuoted(`${key}=${spec.env[key]}`)}`);
  return [
    '[Unit]',
    'Description=OpenDispatch: hand work from your phone to this desktop',
    `Documentation=${systemdEscape(`file://${encodeURI(`${spec.repo}/README.md`)}`)}`,
    'After=graphical-session.target',
    '',
    '[Service]',
    'Type=simple',
    `WorkingDirectory=${systemdEscape(spec.repo)}`,
    ...session,
    `EnvironmentFile=-${systemdEscape(envFile)}`,
    `ExecStart=${[spec.node, '--import', 'tsx', spec.cli, 'start'].map(systemdQuoted).join(' ')}`,
    'Restart=on-failure',
    'RestartSec=5',
    // SIGTERM to `opendispatch start` alone: it stops the worker and Temporal in order.
    'KillMode=mixed',
    'TimeoutStopSec=60',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

function systemdEscape(value: string): string {
  return value.replace(/%/g, '%%');
}

/** The unit's EnvironmentFile: everything but the session variables, one `KEY="value"` a line. */
export function systemdEnvironmentFile(env: Record<string, string>): string {
  return Object.entries(env)
    .filter(([key]) => !SESSION_VARIABLES.includes(key))
    .map(([key, value]) => `${key}="${value.replace(/[\\"$`]/g, (char) => `\\${char}`).replace(/\n/g, '\\n')}"\n`)
    .join('');
}

const xml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The launchd agent (macOS): started at login, restarted when it exits with an error. */
export function launchdPlist(spec: ServiceSpec, logDir: string): string {
  const strings = (values: string[]) => values.map((value) => `    <string>${xml(value)}</string>`).join('\n');
  const env = Object.entries(spec.env)
    .map(([key, value]) => `    <key>${xml(key)}</key>\n    <string>${xml(value)}</string>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>${LAUNCHD_LABEL}</string>
  <key>ProgramArguments</key>
  <array>
${strings([spec.node, '--import', 'tsx', spec.cli, 'start'])}
  </array>
  <key>WorkingDirectory</key>
  <string>${xml(spec.repo)}</string>
  <key>EnvironmentVariables</key>
  <dict>
${env}
  </dict>
  <key>RunAtLoad</key>
  <true/>
  <key>KeepAlive</key>
  <dict>
    <key>SuccessfulExit</key>
    <false/>
  </dict>
  <key>ProcessType</key>
  <string>Interactive</string>
  <key>StandardOutPath</key>
  <string>${xml(`${logDir}/service.out.log`)}</string>
  <key>StandardErrorPath</key>
  <string>${xml(`${logDir}/service.err.log`)}</string>
</dict>
</plist>
`;
}

/** A cmd value: `%` doubled, and `"`, `^`, `&`, `|`, `<`, `>` refused by the caller's `set "K=V"` quoting. */
function cmdValue(value: string): string {
  return value.replace(/%/g, '%%');
}

/** The Windows launcher the Scheduled Task runs: sets the carried settings, then starts OpenDispatch. */
export function windowsLauncher(spec: ServiceSpec): string {
  const lines = [
    '@echo off',
    ...Object.entries(spec.env)
      .filter(([, value]) => !/["\r\n]/.test(value))
      .map(([key, value]) => `set "${key}=${cmdValue(value)}"`),
    `cd /d "${spec.repo}"`,
    `"${spec.node}" --import tsx "${spec.cli}" start`,
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** The Scheduled Task (Windows): at this user's logon, with this user's rights, restarted on failure. */
export function windowsTaskXml(launcher: string, user: string): string {
  return `<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Description>OpenDispatch: hand work from your phone to this desktop</Description>
  </RegistrationInfo>
  <Triggers>
    <LogonTrigger>
      <Enabled>true</Enabled>
      <UserId>${xml(user)}</UserId>
    </LogonTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <UserId>${xml(user)}</UserId>
      <LogonType>InteractiveToken</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>
    <RestartOnFailure>
      <Interval>PT1M</Interval>
      <Count>999</Count>
    </RestartOnFailure>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>${xml(launcher)}</Command>
    </Exec>
  </Actions>
</Task>
`;
}
