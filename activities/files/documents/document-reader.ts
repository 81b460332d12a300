import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DOCUMENT_LIMITS } from './document-kinds.js';
import { DocumentRefusal } from './document-refusal.js';
import type { ParseJob, ParseResult } from './parse-document.js';
import type { ParseAnswer } from './parse-thread.js';

/**
 * Parses a document in a thread of its own, one thread per document: its heap is capped
 * (`resourceLimits`) and it is stopped after a time limit, so a pathological file (a parser bug,
 * a bomb that got past the size checks, a file that takes minutes) costs that thread, never the
 * desktop's worker. The worker's event loop stays free meanwhile, so the activity keeps
 * heartbeating while a large file is read.
 */
export async function parseInThread(
  job: ParseJob,
  limits: { heapMb: number; timeoutMs: number } = { heapMb: DOCUMENT_LIMITS.parserHeapMb, timeoutMs: DOCUMENT_LIMITS.parserTimeoutMs },
): Promise<ParseResult> {
  const thread = new Worker(bootstrap(job.kind), {
    eval: true,
    resourceLimits: { maxOldGenerationSizeMb: limits.heapMb, maxYoungGenerationSizeMb: 64 },
    stdout: true,
    stderr: true,
  });
  // The thread's own chatter (pdf.js warnings) is not the worker's log.
  thread.stdout.resume();
  thread.stderr.resume();
  const name = path.basename(job.file);
  try {
    const answer = await new Promise<ParseAnswer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new DocumentRefusal(`Reading ${name} took longer than ${limits.timeoutMs / 1000} s, so it was stopped. It is too large or too complex to read here.`)), limits.timeoutMs);
      thread.once('message', (message: ParseAnswer) => (clearTimeout(timer), resolve(message)));
      thread.once('error', (error: Error & { code?: string }) => {
        clearTimeout(timer);
        reject(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new DocumentRefusal(`Reading ${name} needed more than the ${limits.heapMb} MB of memory a document may take, so it was stopped. It is too large to read here.`)
            : error,
        );
      });
      thread.once('exit', (code) => (clearTimeout(timer), reject(new DocumentRefusal(`Reading ${name} stopped unexpectedly (exit code ${code}); it may be damaged.`))));
      // A copy of the bytes goes to the thread; the caller keeps its own.
      thread.postMessage(job);
    });
    if (!answer.ok) throw new DocumentRefusal(answer.refusal);
    return answer.result;
  } finally {
    await thread.terminate();
  }
}

/**
 * The libraries each kind's parser imports. The thread loads them natively before it registers
 * the TypeScript loader: through the loader, pdf.js alone takes seconds to load instead of a
 * tenth of one. A library missing here is still loaded, only more slowly.
 */
const LIBRARIES: Record<ParseJob['kind'], string[]> = {
  spreadsheet: ['@e965/xlsx', '@e965/xlsx/dist/cpexcel.full.mjs'],
  delimited: ['@e965/xlsx'],
  word: ['mammoth', '@xmldom/xmldom'],
  odt: ['@xmldom/xmldom'],
  slides: ['@xmldom/xmldom'],
  pdf: ['pdfjs-dist/legacy/build/pdf.mjs', 'pdfjs-dist/legacy/build/pdf.worker.mjs'],
};

const bootstraps = new Map<string, string>();

/**
 * The thread's first lines: the thread is a fresh isolate without the worker's TypeScript
 * loader. It loads the kind's libraries, registers tsx (the package's ESM API, found through its
 * exports map), then imports parse-thread.ts.
 */
function bootstrap(kind: ParseJob['kind']): string {
  let code = bootstraps.get(kind);
  if (code) return code;
  const require = createRequire(import.meta.url);
  const tsxPackage = require.resolve('tsx/package.json');
  const exported = (JSON.parse(readFileSync(tsxPackage, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api'];
  const api = pathToFileURL(path.join(path.dirname(tsxPackage), exported!.import.default)).href;
  const libraries = LIBRARIES[kind].map((library) => import.meta.resolve(library));
  const entry = new URL('./parse-thread.ts', import.meta.url).href;
  code =
    `Promise.all(${JSON.stringify(libraries)}.map((library) => import(library)))` +
    `.then(() => import(${JSON.stringify(api)}))` +
    `.then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  bootstraps.set(kind, code);
  return code;
}
