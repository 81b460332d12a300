import { readFile } from 'node:fs/promises';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import type { TemporalTarget } from '../common/config.js';

type TlsOption = NativeConnectionOptions['tls'];

async function tlsOptions(target: TemporalTarget): Promise<TlsOption> {
  if (target.kind === 'embedded' || !target.tls) return undefined;
  if (target.tls === true) return true;
  const { clientCertPath, clientKeyPath, serverCaCertPath, serverName } = target.tls;
  return {
    serverNameOverride: serverName,
    serverRootCACertificate: serverCaCertPath ? await readFile(serverCaCertPath) : undefined,
    clientCertPair: clientCertPath && clientKeyPath ? { crt: await readFile(clientCertPath), key: await readFile(clientKeyPath) } : undefined,
  };
}

/** The worker's connection to Temporal, embedded or external (a cluster or Temporal Cloud). */
export async function connectWorker(target: TemporalTarget): Promise<NativeConnection> {
  return NativeConnection.connect({
    address: target.address,
    tls: await tlsOptions(target),
    apiKey: target.kind === 'external' ? target.apiKey : undefined,
  });
}

/** A client for starting, querying and cancelling tasks, with the same settings as the worker. */
export async function connectClient(target: TemporalTarget): Promise<Client> {
  const connection = await Connection.connect({
    address: target.address,
    tls: await tlsOptions(target),
    apiKey: target.kind === 'external' ? target.apiKey : undefined,
    connectTimeout: '10 seconds',
  });
  return new Client({ connection, namespace: target.namespace });
}
