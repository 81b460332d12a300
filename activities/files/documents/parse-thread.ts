import { parentPort } from 'node:worker_threads';
import { DocumentRefusal } from './document-refusal.js';
import { parseDocument, type ParseJob } from './parse-document.js';

/**
 * The parsing thread's entry: reads the one document it is sent and answers once, then exits.
 * A refusal comes back as its message; any other failure of a parser is the file's fault too
 * (it is the only input), so it is answered as a damaged file.
 */
export type ParseAnswer = { ok: true; result: Awaited<ReturnType<typeof parseDocument>> } | { ok: false; refusal: string };

parentPort?.once('message', (job: ParseJob) => {
  void parseDocument(job).then(
    (result) => parentPort!.postMessage({ ok: true, result } satisfies ParseAnswer),
    (error: unknown) => {
      const refusal =
        error instanceof DocumentRefusal
          ? error.message
          : `${job.file} could not be read (${error instanceof Error ? error.message.slice(0, 200) : String(error)}); it may be damaged.`;
      parentPort!.postMessage({ ok: false, refusal } satisfies ParseAnswer);
    },
  );
});
