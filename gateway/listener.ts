import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Logger } from '../common/logger.js';

/** One of the gateway's HTTP listeners, started. */
export interface Listener {
  server: http.Server;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `app` on host:port, and resolves once it listens; a listen error (the port is taken)
 * rejects. Once listening, a server error (out of file descriptors on accept, say) concerns one
 * connection; unheard it would stop the gateway, so it is logged. Client errors keep Node's own
 * handling: a 400. `prepare` sees the server before it listens (the event hub attaches there).
 */
export async function startListener(options: { app: Express; port: number; host?: string; name: string; logger: Logger; prepare?: (server: http.Server) => void }): Promise<Listener> {
  const server = http.createServer(options.app);
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  options.prepare?.(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error: NodeJS.ErrnoException) => options.logger.warn(`${options.name} server error`, { error: error.message, errno: error.code }));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
