/**
 * The gateway alone, as its own process, configured from the environment like `npm start`'s:
 * for tests that must give it process-wide settings (NODE_EXTRA_CA_CERTS) or restart it.
 * Prints `gateway ready <url>` once listening; SIGTERM closes it cleanly.
 */
import { loadConfig } from '../../common/config.js';
import { createLogger } from '../../common/logger.js';
import { startGateway } from '../../gateway/gateway.js';
import { connectClient } from '../../worker/temporal-connection.js';

const config = loadConfig(process.env);
const client = await connectClient(config.temporal);
const gateway = await startGateway({
  config,
  client,
  desktopId: config.desktopId ?? 'test',
  logger: createLogger('gateway'),
  version: 'test',
  keepAwake: () => ({ mode: 'test', active: false }),
});
process.stdout.write(`gateway ready ${gateway.localUrl}\n`);
process.once('SIGTERM', () => {
  void gateway
    .close()
    .then(() => client.connection.close())
    .finally(() => process.exit(0));
});
