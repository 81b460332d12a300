import type { Desktop } from '../../common/api-schemas.js';

/** The gateway's order: the desktop this phone is paired through first, then by name (then id). */
export function compareDesktops(a: Desktop, b: Desktop): number {
  return Number(b.current ?? false) - Number(a.current ?? false) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
}

/** The desktop a picker shows: the one picked while it is still listed, else the current one, else the first. */
export function pickDesktop(desktops: readonly Desktop[], id: string | undefined): Desktop | undefined {
  return desktops.find((desktop) => desktop.id === id) ?? desktops.find((desktop) => desktop.current) ?? desktops[0];
}

/**
 * What people call a desktop: its name, with its id in parentheses only when another listed
 * desktop has the same name; its id when it is not listed (gone, or not heard of yet).
 */
export function desktopName(id: string, desktops: readonly Desktop[]): string {
  const desktop = desktops.find((candidate) => candidate.id === id);
  if (!desktop) return id;
  const shared = desktops.some((other) => other.id !== id && other.name === desktop.name);
  return shared ? `${desktop.name} (${id})` : desktop.name;
}

/** A picker's option: "Laptop — online, 1 running, 2 waiting", or "Office PC — away". */
export function desktopChoiceText(desktop: Desktop, desktops: readonly Desktop[]): string {
  const parts = [desktop.online ? 'online' : 'away'];
  if (desktop.running > 0) parts.push(`${desktop.running} running`);
  if (desktop.queued > 0) parts.push(`${desktop.queued} waiting`);
  return `${desktopName(desktop.id, desktops)} — ${parts.join(', ')}`;
}

/**
 * Where a task or schedule runs, for its row or page: the desktop's name when the phone knows
 * some other desktop too, and nothing when it knows only that one (or none yet), so a phone
 * with one desktop shows no desktop at all.
 */
export function desktopNameIfMany(id: string, desktops: readonly Desktop[] | null): string | undefined {
  if (!id || !desktops?.some((desktop) => desktop.id !== id)) return undefined;
  return desktopName(id, desktops);
}
