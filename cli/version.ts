import { readFile } from 'node:fs/promises';

/** The version in package.json, for the OpenAPI document and `--version`. */
export async function packageVersion(): Promise<string> {
  const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return manifest.version ?? '0.0.0';
}
