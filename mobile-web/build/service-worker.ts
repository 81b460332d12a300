import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { transformWithEsbuild, type Plugin } from 'vite';

/**
 * Compiles `src/sw.ts` into `dist/sw.js` after everything else is in the bundle, baking in the
 * list of app-shell files and a version derived from their names (which carry content hashes),
 * so a new build installs a new worker and drops the old cache. Runs last so it sees the icons
 * and manifest the other plugins emit. Files copied from `public/` are not part of the bundle, so
 * the ones the shell needs are named in `publicFiles`.
 */
export function serviceWorker(options: { source: string; publicFiles: readonly string[] }): Plugin {
  let sourcePath = '';
  return {
    name: 'opendispatch:service-worker',
    apply: 'build',
    enforce: 'post',
    configResolved(config) {
      sourcePath = path.resolve(config.root, options.source);
    },
    async generateBundle(_outputOptions, bundle) {
      const shell = ['/', ...[...Object.keys(bundle), ...options.publicFiles].filter((name) => !name.endsWith('.map')).map((name) => `/${name}`)]
        .filter((name) => name !== '/index.html')
        .sort();
      const version = createHash('sha256').update(shell.join('\n')).digest('hex').slice(0, 12);
      const source = await readFile(sourcePath, 'utf8');
      const { code } = await transformWithEsbuild(source, sourcePath, {
        loader: 'ts',
        format: 'esm',
        target: 'es2022',
        minify: true,
        define: { SHELL_FILES: JSON.stringify(shell), SHELL_VERSION: JSON.stringify(version) },
      });
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: code });
    },
  };
}
