import { mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createdTaskSchema, type ServerMessage } from '../../common/api-schemas.js';
import { loadConfig } from '../../common/config.js';
import { createLogger } from '../../common/logger.js';
import { startGateway, type RunningGateway } from '../../gateway/gateway.js';
import { connectClient } from '../../worker/temporal-connection.js';
import { eventually } from '../helpers/async.js';
import { freePort, startTestTemporal, type TestTemporal } from '../helpers/temporal-server.js';

/** An open socket and everything the gateway sent on it. */
interface Phone {
  socket: WebSocket;
  received: ServerMessage[];
  closed: Promise<number>;
}

/**
 * Hostile input for `/api/events`, each sent before and after authenticating. `close` is the code
 * the gateway must close that one socket with; `undefined` means it must stay open and answer.
 */
const hostile: Array<{ name: string; send: (socket: WebSocket) => void; before: number; after: number | undefined }> = [
  { name: 'a 5,000-byte text frame', send: (s) => s.send('x'.repeat(5_000)), before: 1009, after: 1009 },
  { name: 'a binary frame', send: (s) => s.send(Buffer.from([1, 2, 3]), { binary: true }), before: 1008, after: 1008 },
  { name: 'a text frame of invalid UTF-8', send: (s) => s.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false }), before: 1007, after: 1007 },
  { name: 'garbage JSON', send: (s) => s.send('{"type":'), before: 4401, after: undefined },
  { name: 'an unknown message type', send: (s) => s.send(JSON.stringify({ type: 'subscribe', all: true })), before: 4401, after: undefined },
  { name: 'a flood of 300 pings', send: (s) => Array.from({ length: 300 }, () => s.send('{"type":"ping"}')), before: 4401, after: 1008 },
];

describe('the event socket under hostile input', () => {
  let temporal: TestTemporal;
  let client: Client;
  let gateway: RunningGateway;
  let token: string;
  let witness: Phone;
  const warnings: string[] = [];

  const open = async (): Promise<Phone> => {
    const socket = new WebSocket(`${gateway.localUrl.replace('http', 'ws')}/api/events`);
    const received: ServerMessage[] = [];
    socket.on('message', (data) => received.push(JSON.parse(String(data)) as ServerMessage));
    socket.on('error', () => {});
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return { socket, received, closed };
  };
  const authenticated = async (): Promise<Phone> => {
    const phone = await open();
    phone.socket.send(JSON.stringify({ type: 'auth', token }));
    await eventually(async () => phone.received, (list) => list.some((message) => message.type === 'ready'), 10_000);
    return phone;
  };
  const pongs = (phone: Phone) => phone.received.filter((message) => message.type === 'pong').length;

  /** Sends `input` on a socket that has not authenticated: that socket is closed as `before` says, with nothing but an error sent. */
  const sendBeforeAuth = async (input: (typeof hostile)[number]): Promise<void> => {
    const phone = await open();
    input.send(phone.socket);
    expect(await phone.closed).toBe(input.before);
    expect(phone.received.filter((message) => message.type !== 'error')).toEqual([]);
  };
  /** Sends `input` on a paired socket: closed as `after` says, or answered with an error and still answering pings. */
  const sendAfterAuth = async (input: (typeof hostile)[number]): Promise<void> => {
    const phone = await authenticated();
    input.send(phone.socket);
    if (input.after === undefined) {
      await eventually(async () => phone.received, (list) => list.some((message) => message.type === 'error'), 15_000);
      phone.socket.send(JSON.stringify({ type: 'ping' }));
      await eventually(async () => pongs(phone), (count) => count > 0, 15_000);
      phone.socket.close();
    } else {
      expect(await phone.closed).toBe(input.after);
    }
  };

  /** The gateway still answers over HTTP, and the paired phone that did nothing wrong still gets answers. */
  const stillServing = async (): Promise<void> => {
    const health = await fetch(`${gateway.localUrl}/healthz`);
    expect(await health.json()).toMatchObject({ gateway: true, temporal: true });
    const before = pongs(witness);
    witness.socket.send(JSON.stringify({ type: 'ping' }));
    await eventually(async () => pongs(witness), (count) => count > before, 15_000);
    expect(witness.socket.readyState).toBe(WebSocket.OPEN);
  };

  beforeAll(async () => {
    temporal = await startTestTemporal();
    const home = await mkdtemp(path.join(os.tmpdir(), 'opendispatch-fuzz-'));
    const port = await freePort();
    const config = loadConfig({
      DISPATCH_HOME: home,
      DISPATCH_DESKTOP_ID: 'fuzz-desktop',
      DISPATCH_TEMPORAL_PORT: String(temporal.port),
      DISPATCH_TEMPORAL_UI_PORT: String(temporal.uiPort),
      DISPATCH_PORT: String(port),
      DISPATCH_SETUP_PORT: String(await freePort()),
      DISPATCH_HOST: '127.0.0.1',
      DISPATCH_PUBLIC_URL: `http://127.0.0.1:${port}`,
    });
    client = await connectClient(config.temporal);
    gateway = await startGateway({
      config,
      client,
      desktopId: 'fuzz-desktop',
      logger: createLogger('test-gateway', (line) => warnings.push(line)),
      version: 'test',
      keepAwake: () => ({ mode: 'test', active: false }),
    });
    const { url } = (await (await fetch(`${gateway.setupUrl}/pair/code`, { method: 'POST' })).json()) as { url: string };
    const code = new URL(url).hash.replace('#pair=', '');
    const paired = await fetch(`${gateway.localUrl}/api/pair`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, name: 'Witness phone' }),
    });
    token = ((await paired.json()) as { token: string }).token;
    witness = await authenticated();
  });

  afterAll(async () => {
    witness?.socket.terminate();
    await gateway?.close();
    await client?.connection.close();
    await temporal?.stop();
  });

  for (const input of hostile) {
    it(`closes only the socket that sends ${input.name} before authenticating`, async () => {
      await sendBeforeAuth(input);
      await stillServing();
    });

    it(`${input.after === undefined ? 'answers, and keeps open,' : 'closes only'} a paired socket that sends ${input.name}`, async () => {
      await sendAfterAuth(input);
      await stillServing();
    });
  }

  it('closes a flood that starts with a valid auth message with 1008', async () => {
    const phone = await open();
    phone.socket.send(JSON.stringify({ type: 'auth', token }));
    for (let i = 0; i < 300; i++) phone.socket.send('{"type":"ping"}');
    expect(await phone.closed).toBe(1008);
    await stillServing();
  });

  it('survives raw upgrades that break the URL parser or reset mid-handshake', async () => {
    const { port } = new URL(gateway.localUrl);
    const upgrade = (target: string, extra = ''): string =>
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`;
    for (const target of ['//', '//a%zz', '/api/events?x=%']) {
      const answer = await new Promise<string>((resolve) => {
        const raw = net.connect(Number(port), '127.0.0.1', () => raw.write(upgrade(target, 'Authorization: Bearer wrong-token\r\n')));
        let text = '';
        raw.on('data', (chunk) => (text += String(chunk)));
        raw.on('close', () => resolve(text));
        raw.on('error', () => resolve(text));
      });
      expect(answer).toMatch(/^HTTP\/1\.1 (404|401)/);
    }
    // Every reset sent before the gateway is asked again, over new connections after them.
    await Promise.all(
      Array.from(
        { length: 20 },
        () =>
          new Promise<void>((resolve) => {
            const raw = net.connect(Number(port), '127.0.0.1', () => {
              raw.write(upgrade('/api/events', `Authorization: Bearer ${token}\r\n`));
              raw.resetAndDestroy();
            });
            raw.on('error', () => {});
            raw.once('close', () => resolve());
          }),
      ),
    );
    await stillServing();
  });

  it('still pushes task changes to a paired phone after every kind of hostile input, before and after pairing', async () => {
    const logged = warnings.length;
    for (const input of hostile) {
      await sendBeforeAuth(input);
      await sendAfterAuth(input);
    }
    const response = await fetch(`${gateway.localUrl}/api/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ prompt: 'are you still there?' }),
    });
    expect(response.status).toBe(201);
    const { id } = createdTaskSchema.parse(await response.json());
    await eventually(async () => witness.received, (list) => list.some((message) => message.type === 'task' && message.task.id === id), 15_000);
    expect(warnings.slice(logged).join('\n')).toMatch(/WS_ERR_UNSUPPORTED_MESSAGE_LENGTH/);
    expect(warnings.slice(logged).join('\n')).toMatch(/WS_ERR_INVALID_UTF8/);
  });
});
