import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../common/config.js';
import { pushPayloadSchema } from '../common/push-schemas.js';
import { startTask } from '../common/task-starter.js';
import { createDeviceRegistry } from '../gateway/device-registry.js';
import { startGatewayProcess } from '../test/helpers/gateway-process.js';
import { makeSubscriber, makeTestCertificates, startPushService } from '../test/helpers/push-service.js';
import { freePort, startTestTemporal } from '../test/helpers/temporal-server.js';
import { connectClient, connectWorker } from '../worker/temporal-connection.js';
import { instantModel } from './bench-desktop.js';
import { benchWorker } from './bench-stack.js';
import { percentile, type Benchmark, type BenchResult } from './bench-types.js';

const TASKS = 20;

/**
 * `push_latency_ms_p95`: from the moment Temporal closes a task (its close time) to the moment a
 * loopback push service, over https with a private CA, receives the Web Push that the gateway
 * process sent for it, decrypted and checked to name that task. The gateway runs as its own
 * process, so it trusts the CA through NODE_EXTRA_CA_CERTS as a real deployment trusts FCM.
 */
export const pushLatencyBenchmark: Benchmark = {
  name: 'push-latency',
  async run(): Promise<BenchResult[]> {
    const home = await mkdtemp(path.join(os.tmpdir(), 'opendispatch-bench-push-'));
    const temporal = await startTestTemporal({ home });
    const certificates = await makeTestCertificates();
    const pushService = await startPushService(certificates);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DISPATCH_HOME: home,
      DISPATCH_DESKTOP_ID: 'bench',
      DISPATCH_TEMPORAL_PORT: String(temporal.port),
      DISPATCH_TEMPORAL_UI_PORT: String(temporal.uiPort),
      DISPATCH_PORT: String(await freePort()),
      DISPATCH_HOST: '127.0.0.1',
      DISPATCH_SETUP_PORT: String(await freePort()),
      DISPATCH_PUSH_ORIGINS: pushService.origin,
      NODE_EXTRA_CA_CERTS: certificates.caFile,
    };
    const config = loadConfig(env);
    const registry = await createDeviceRegistry({ file: config.paths.devices });
    const { token } = await registry.register('bench phone');
    await registry.flush();
    const client = await connectClient(config.temporal);
    const connection = await connectWorker(config.temporal);
    const gateway = await startGatewayProcess(env);
    try {
      const worker = await benchWorker({ connection, client, config, messages: instantModel(0) });
      const latencies = await worker.runUntil(async () => {
        const phone = makeSubscriber(pushService.endpoint('bench'));
        const subscribed = await fetch(`${gateway.base}/api/push/subscriptions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(phone.json),
        });
        if (subscribed.status !== 201) throw new Error(`subscribing answered ${subscribed.status}`);
        const measured: number[] = [];
        for (let i = 0; i < TASKS; i += 1) {
          const id = await startTask(client, config, { prompt: `bench task ${i}`, desktopId: 'bench' });
          await client.workflow.getHandle(id).result();
          const closedAt = (await client.workflow.getHandle(id).describe()).closeTime!.getTime();
          const push = await pushService.next('bench', i, 10_000);
          const payload = pushPayloadSchema.parse(JSON.parse(phone.decrypt(push.body)));
          if (payload.taskId !== id) throw new Error(`push ${i} named ${payload.taskId}, not ${id}`);
          measured.push(push.receivedAt - closedAt);
        }
        return measured;
      });
      return [
        {
          name: 'push_latency_ms_p95',
          value: percentile(latencies, 95),
          unit: 'ms',
          better: 'lower',
          goal: 1_000,
          samples: latencies.length,
          note: `p50 ${percentile(latencies, 50)} ms; task closed in Temporal → decrypted Web Push at a loopback push service`,
        },
      ];
    } finally {
      await gateway.stop();
      await pushService.close();
      await connection.close();
      await client.connection.close();
      await temporal.stop();
      await rm(home, { recursive: true, force: true });
    }
  },
};
