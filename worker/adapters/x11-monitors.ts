import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Rect } from '../../activities/ports.js';
import type { MonitorLocator } from '../../activities/screen/monitor-view.js';

const run = promisify(execFile);

/** One monitor as `xrandr --listmonitors` lists it. */
export interface Monitor extends Rect {
  index: number;
  name: string;
  primary: boolean;
}

/** Parses `xrandr --listmonitors`: ` 0: +*DP-1 1920/510x1080/287+0+0  DP-1`. */
export function parseMonitors(listing: string): Monitor[] {
  const monitors: Monitor[] = [];
  for (const line of listing.split('\n')) {
    const match = /^\s*(\d+):\s+\+?(\*?)(\S+)\s+(\d+)\/\d+x(\d+)\/\d+\+(-?\d+)\+(-?\d+)/.exec(line);
    if (!match) continue;
    const [, index, star, name, width, height, x, y] = match;
    monitors.push({ index: Number(index), primary: star === '*', name: name!, width: Number(width), height: Number(height), x: Number(x), y: Number(y) });
  }
  return monitors;
}

/** How DISPATCH_MONITOR names a monitor: absent (the primary one), an index or name, or a region. */
export type MonitorChoice = { kind: 'primary' } | { kind: 'named'; name: string } | { kind: 'region'; region: Rect };

const REGION = /^(\d+)x(\d+)\+(\d+)\+(\d+)$/;

/** Reads DISPATCH_MONITOR; throws with the variable named when it is none of the three forms. */
export function parseMonitorChoice(value: string | undefined): MonitorChoice {
  if (value === undefined || value.trim() === '') return { kind: 'primary' };
  const region = REGION.exec(value.trim());
  if (region) {
    const [width, height, x, y] = region.slice(1).map(Number) as [number, number, number, number];
    if (width > 0 && height > 0) return { kind: 'region', region: { x, y, width, height } };
  }
  if (/^[A-Za-z0-9_.-]{1,64}$/.test(value.trim())) return { kind: 'named', name: value.trim() };
  throw new Error(`DISPATCH_MONITOR: use a monitor's name or index as xrandr --listmonitors shows it, or a region WxH+X+Y; got "${value}"`);
}

/** The listed monitor a name, an index or "primary" means; undefined when it is not there. */
export function findMonitor(monitors: Monitor[], choice: Exclude<MonitorChoice, { kind: 'region' }>): Monitor | undefined {
  return choice.kind === 'named'
    ? monitors.find((monitor) => monitor.name === choice.name || String(monitor.index) === choice.name)
    : (monitors.find((monitor) => monitor.primary) ?? monitors[0]);
}

/** The chosen monitor among those listed; undefined when it is not there. */
export function chooseMonitor(monitors: Monitor[], choice: MonitorChoice): Rect | undefined {
  if (choice.kind === 'region') return choice.region;
  const monitor = findMonitor(monitors, choice);
  return monitor ? { x: monitor.x, y: monitor.y, width: monitor.width, height: monitor.height } : undefined;
}

/**
 * Finds the agent's monitor with `xrandr --listmonitors`, looked up again at most every
 * `refreshMs` so an unplugged or resized monitor is noticed by the next screenshot. With no
 * DISPATCH_MONITOR and only one monitor (or no xrandr), there is nothing to narrow: undefined.
 */
export async function createX11MonitorLocator(choice: MonitorChoice, options: { env?: NodeJS.ProcessEnv; refreshMs?: number } = {}): Promise<MonitorLocator | undefined> {
  const list = async (): Promise<Monitor[]> => parseMonitors((await run('xrandr', ['--listmonitors'], { env: options.env ?? process.env, timeout: 5000 })).stdout);
  const initial = await list().catch(() => undefined);
  if (choice.kind === 'primary' && (initial === undefined || initial.length <= 1)) return undefined;
  if (choice.kind === 'region') return async () => choice.region;
  let cached = { at: Date.now(), monitors: initial ?? [] };
  return async () => {
    if (Date.now() - cached.at > (options.refreshMs ?? 2000)) cached = { at: Date.now(), monitors: await list() };
    return chooseMonitor(cached.monitors, choice);
  };
}

/** What DISPATCH_MONITOR resolves to right now, as the setup page shows it. */
export type ChosenMonitorNow = {
  /** DISPATCH_MONITOR as set; absent: the primary monitor. */
  setting?: string;
} & (
  | { resolved: true; /** The monitor's name; absent for a region. */ name?: string; area: Rect }
  | { resolved: false; /** Why it cannot be found now, in a person's words. */ reason: string }
);

/** Why `xrandr --listmonitors` gave no list: its own complaint ("Can't open display :1") where it made one. */
function listingProblem(error: unknown): string {
  const failure = error as NodeJS.ErrnoException & { stderr?: string; killed?: boolean };
  if (failure.code === 'ENOENT') return 'xrandr is not installed, so monitors cannot be listed';
  if (failure.killed) return 'xrandr did not answer in time';
  const said = failure.stderr?.trim().split('\n')[0];
  return `xrandr could not list the monitors${said ? `: ${said}` : ''}`;
}

/**
 * Resolves DISPATCH_MONITOR now, with the same parsing and choice as the worker's locator, for a
 * person checking which screen the agent will use. Never throws: no display, no xrandr, or a
 * monitor that is gone comes back as a reason.
 */
export async function resolveChosenMonitor(setting: string | undefined, options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ChosenMonitorNow> {
  const named = setting === undefined || setting.trim() === '' ? {} : { setting };
  let choice: MonitorChoice;
  try {
    choice = parseMonitorChoice(setting);
  } catch (error) {
    return { ...named, resolved: false, reason: (error as Error).message };
  }
  if (choice.kind === 'region') return { ...named, resolved: true, area: choice.region };
  const env = options.env ?? process.env;
  if (!env.DISPLAY) return { ...named, resolved: false, reason: 'there is no X display (DISPLAY is not set)' };
  let monitors: Monitor[];
  try {
    monitors = parseMonitors((await run('xrandr', ['--listmonitors'], { env, timeout: options.timeoutMs ?? 2000 })).stdout);
  } catch (error) {
    return { ...named, resolved: false, reason: listingProblem(error) };
  }
  const found = findMonitor(monitors, choice);
  if (!found) {
    const listed = monitors.map((monitor) => monitor.name).join(', ');
    const reason = choice.kind === 'named' ? `no monitor "${choice.name}" is connected now` : `xrandr lists no monitor on display ${env.DISPLAY}`;
    return { ...named, resolved: false, reason: listed ? `${reason} (connected: ${listed})` : reason };
  }
  const { name, x, y, width, height } = found;
  return { ...named, resolved: true, name, area: { x, y, width, height } };
}
