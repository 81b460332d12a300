import type { GrantedRoots, ResolveOptions, ResolvedPath } from './granted-roots.js';
import { ToolRefusal } from './model-tool.js';

/** The file manager's checks on the paths of one operation; each refusal tells the model what to do. */
export interface PathChecks {
  /** Something must be there (a final link is the link itself unless `followFinalLink`). */
  existing(requested: string, options?: ResolveOptions): Promise<ResolvedPath>;
  /** Nothing may be there: no operation overwrites. */
  vacant(requested: string): Promise<ResolvedPath>;
  /** Refuses to move or trash a granted folder itself. */
  notARoot(item: ResolvedPath, verb: string): void;
}

/** The checks over the granted folders. */
export function createPathChecks(roots: GrantedRoots): PathChecks {
  const noFollow = { followFinalLink: false };
  return {
    async existing(requested, options = noFollow) {
      const resolved = await roots.resolve(requested, options);
      if (!resolved.exists) throw new ToolRefusal(`Nothing exists at ${resolved.real}.`);
      return resolved;
    },
    async vacant(requested) {
      const resolved = await roots.resolve(requested, noFollow);
      if (resolved.exists) {
        throw new ToolRefusal(`${resolved.real} already exists. Choose another name, or trash the existing item first.`);
      }
      return resolved;
    },
    notARoot(item, verb) {
      if (item.real === item.root) throw new ToolRefusal(`Cannot ${verb} a granted folder itself (${item.real}).`);
    },
  };
}
