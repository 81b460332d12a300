import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Desktop } from '../common/api-schemas.js';
import { WorkflowType } from '../common/contract.js';
import { DESKTOP_RECORD_WORKFLOW_TYPE, desktopIdOfRecord } from '../common/desktop-record.js';
import type { DesktopPresence } from './desktop-presence.js';
import { HttpError } from './http-error.js';
import { createShortCache } from './short-cache.js';
import { memoFrom } from './task-workflows.js';

/** Every desktop on this gateway's Temporal namespace, as phones list them. */
export interface DesktopDirectory {
  /** This gateway's own desktop first, then the others by name. */
  list(): Promise<Desktop[]>;
  /** Forgets the cached list, after this gateway started or changed a task. */
  invalidate(): void;
}

/** A record's memo, as another desktop's worker wrote it: trusted for nothing but short text. */
const recordMemoSchema = z.object({ profile: z.object({ name: z.string().trim().min(1).max(64) }).passthrough() }).passthrough();

const RECORDS_QUERY = `WorkflowType = '${DESKTOP_RECORD_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'`;
const RUNNING_TASKS_QUERY = `WorkflowType = '${WorkflowType.agentTask}' AND ExecutionStatus = 'Running'`;

/**
 * The desktops that share this Temporal namespace, read from Temporal alone so that any desktop's
 * gateway lists all of them: each desktop's record (workflows/desktop-record.ts, its name in the
 * memo), the running tasks' memos for how many work or wait on each, and each desktop's presence
 * (its worker heartbeats or pollers). A desktop that running tasks name but that has no record
 * yet (its worker never started since this release) is listed under its id. Two visibility
 * listings per read, shared by every phone for about a second.
 */
export function createDesktopDirectory(deps: { client: Client; presence: DesktopPresence; selfId: string; freshMs?: number }): DesktopDirectory {
  const { client, selfId } = deps;
  const cache = createShortCache<Desktop[]>({ freshMs: deps.freshMs ?? 1_000, staleMs: (deps.freshMs ?? 1_000) * 2, maxEntries: 1 });

  async function read(): Promise<Desktop[]> {
    const names = new Map<string, string>([[selfId, selfId]]);
    const counts = new Map<string, { running: number; queued: number }>();
    const countsOf = (id: string) => counts.get(id) ?? counts.set(id, { running: 0, queued: 0 }).get(id)!;

    const records = (async () => {
      for await (const record of client.workflow.list({ query: RECORDS_QUERY })) {
        const id = desktopIdOfRecord(record.workflowId);
        const memo = recordMemoSchema.safeParse(record.memo ?? {});
        names.set(id, memo.success ? memo.data.profile.name : id);
      }
    })();
    const tasks = (async () => {
      for await (const task of client.workflow.list({ query: RUNNING_TASKS_QUERY })) {
        const memo = memoFrom(task.memo);
        if (!memo.desktopId) continue;
        const phase = memo.progress?.phase;
        if (phase === undefined || phase === 'queued') countsOf(memo.desktopId).queued += 1;
        else countsOf(memo.desktopId).running += 1;
      }
    })();
    await Promise.all([records, tasks]);
    for (const id of counts.keys()) if (!names.has(id)) names.set(id, id);

    const desktops = await Promise.all(
      [...names].map(async ([id, name]): Promise<Desktop> => {
        const presence = await deps.presence.status(id).catch(() => ({ id, online: false }));
        const { running, queued } = countsOf(id);
        return { ...presence, id, name, running, queued, ...(id === selfId ? { current: true } : {}) };
      }),
    );
    return desktops.sort((a, b) => Number(b.current ?? false) - Number(a.current ?? false) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  return {
    list: () => cache.get('desktops', read),
    invalidate: () => cache.invalidate(),
  };
}

/**
 * Refuses a task or schedule for a desktop this namespace does not know (a typo would otherwise
 * wait forever for a worker that never comes), naming the ones it does. Absent means this desktop.
 */
export async function requireKnownDesktop(directory: DesktopDirectory, desktopId: string | undefined): Promise<void> {
  if (desktopId === undefined) return;
  const desktops = await directory.list();
  if (desktops.some((desktop) => desktop.id === desktopId)) return;
  const known = desktops.map((desktop) => desktop.id).join(', ');
  throw new HttpError(422, 'invalid_request', `desktopId: no desktop "${desktopId}" has started on this Temporal namespace; known: ${known}.`, 'desktopId');
}
