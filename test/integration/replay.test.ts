import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root.js';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';

// The same entry point worker/desktop-worker.ts gives Worker.create as its workflowsPath.
const WORKFLOWS_PATH = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));
const HISTORIES = new URL('../replay/histories/', import.meta.url);

// The SDK's historyFromJSON fails ("type must be a Type") when npm nests a separate protobufjs
// under @temporalio/common and @temporalio/proto, so parse with the copy the protos were built by.
const require = createRequire(import.meta.url);
const { fromJson } = createRequire(require.resolve('@temporalio/proto'))('protobufjs/ext/protojson') as {
  fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): proto.temporal.api.history.v1.IHistory;
};
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType('temporal.api.history.v1.History');

/** A history saved by test/replay/capture-histories.ts. */
interface RecordedHistory {
  scenario: string;
  workflowId: string;
  runId: string;
  capturedFrom: string;
  history: unknown;
}

const recordings = readdirSync(HISTORIES)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => ({ file, ...(JSON.parse(readFileSync(new URL(file, HISTORIES), 'utf8')) as RecordedHistory) }));

describe('tasks recorded on earlier releases replay on the current workflow code', () => {
  let workflowBundle: WorkflowBundle;

  beforeAll(async () => {
    // A replay worker per history logs each state change; a determinism error is a warning.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    workflowBundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  });

  it('has recorded histories to replay', () => {
    expect(recordings.length).toBeGreaterThan(0);
  });

  for (const { file, scenario, capturedFrom, workflowId, history } of recordings) {
    it(`${scenario}, recorded at ${capturedFrom} (${file})`, async () => {
      const replay = Worker.runReplayHistories({ workflowBundle, replayName: 'replay-test' }, [
        { workflowId, history: fromJson(historyType, history, { ignoreUnknownFields: true }) },
      ]);
      for await (const result of replay) {
        // A determinism error names the command the current code issued where history recorded another.
        expect(result.error?.message).toBeUndefined();
      }
    });
  }
});
