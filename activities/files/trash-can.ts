import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../common/atomic-file.js';
import type { Clock } from '../ports.js';
import { kindOf, moveEntry } from './file-entries.js';
import type { GrantedRoots } from './granted-roots.js';
import { ToolRefusal } from './model-tool.js';
import { createPathChecks } from './path-checks.js';
import { ABSENT, identityFingerprint, type ChangeRecorder } from './write-intent.js';

interface TrashManifest {
  id: string;
  originalPath: string;
  name: string;
  kind: string;
  trashedAt: string;
}

/** `file_manager`'s trash, restore and list_trash. */
export interface TrashCan {
  trash(requested: string, recorder: ChangeRecorder): Promise<string>;
  restore(id: string, toPath: string | undefined, recorder: ChangeRecorder): Promise<string>;
  list(): Promise<string>;
}

/**
 * Nothing is deleted: `trash` moves the item to `<trashDir>/<id>/<name>` and writes
 * `<trashDir>/<id>.json` (original path, time, kind) BEFORE moving it, so an item in the trash
 * never loses its origin. Every trashed item has its own id folder, so equal names never collide.
 *
 * Retries: trash and restore record their intent first (the item's device and inode, where it
 * goes). An interrupted trash that did not move the item has its manifest removed before it runs
 * again (so list_trash shows no ghost); an interrupted restore that did move it has its manifest
 * removed then (so the item does not show as still in the trash).
 */
export function createTrashCan(deps: { roots: GrantedRoots; trashDir: string; clock: Clock }): TrashCan {
  const { roots, trashDir, clock } = deps;
  const checks = createPathChecks(roots);

  return {
    async trash(requested, recorder) {
      const item = await checks.existing(requested);
      checks.notARoot(item, 'trash');
      const info = await lstat(item.real);
      const stamp = clock.now().toISOString();
      const id = `${stamp.replace(/[-:.]/g, '')}-${randomBytes(4).toString('hex')}`;
      const manifest: TrashManifest = { id, originalPath: item.real, name: path.basename(item.real), kind: kindOf(info), trashedAt: stamp };
      const inTrash = path.join(trashDir, id, manifest.name);
      const manifestPath = path.join(trashDir, `${id}.json`);
      const identity = identityFingerprint(info);
      const answer = `Moved ${item.real} to the trash (trash_id: ${id}). Restore it with {"op":"restore","trash_id":"${id}"}.`;
      await recorder.record({
        text: answer,
        changes: [
          { path: item.real, by: 'identity', before: identity, after: ABSENT },
          { path: inTrash, by: 'identity', before: ABSENT, after: identity },
        ],
        temporaries: [],
        removeIfNotDone: [manifestPath, path.join(trashDir, id)],
      });
      await mkdir(path.join(trashDir, id), { recursive: true });
      await writeFileAtomic(manifestPath, JSON.stringify(manifest, null, 2));
      await moveEntry(item.real, inTrash);
      return answer;
    },

    async restore(id, toPath, recorder) {
      const manifestPath = path.join(trashDir, `${id}.json`);
      const manifest = await readTrashManifest(manifestPath);
      if (manifest === undefined || path.basename(manifest.name) !== manifest.name) {
        throw new ToolRefusal(`No trash item has id ${id}. Use list_trash to see the ids.`);
      }
      const target = await checks.vacant(toPath ?? manifest.originalPath);
      const inTrash = path.join(trashDir, id, manifest.name);
      const identity = identityFingerprint(await lstat(inTrash));
      const answer = `Restored ${manifest.name} to ${target.real}.`;
      await recorder.record({
        text: answer,
        changes: [
          { path: inTrash, by: 'identity', before: identity, after: ABSENT },
          { path: target.real, by: 'identity', before: ABSENT, after: identity },
        ],
        temporaries: [],
        removeIfDone: [manifestPath, path.join(trashDir, id)],
      });
      await roots.mkdirInside(path.dirname(target.real));
      await moveEntry(inTrash, target.real);
      await rm(manifestPath, { force: true });
      await rm(path.join(trashDir, id), { recursive: true, force: true });
      return answer;
    },

    async list() {
      const names = await readdir(trashDir).catch(() => [] as string[]);
      const manifests = (await Promise.all(names.filter((name) => name.endsWith('.json')).map((name) => readTrashManifest(path.join(trashDir, name)))))
        .filter((manifest): manifest is TrashManifest => manifest !== undefined)
        .sort((a, b) => b.trashedAt.localeCompare(a.trashedAt));
      if (manifests.length === 0) return 'The trash is empty.';
      const lines = manifests.slice(0, 100).map((m) => `${m.id}\t${m.kind}\t${m.originalPath}\ttrashed ${m.trashedAt}`);
      return `${manifests.length} item(s) in the trash, newest first:\n${lines.join('\n')}`;
    },
  };
}

async function readTrashManifest(file: string): Promise<TrashManifest | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as TrashManifest;
  } catch {
    return undefined;
  }
}
