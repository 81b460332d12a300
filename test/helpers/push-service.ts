import { execFile } from 'node:child_process';
import { createDecipheriv, createECDH, createHmac, createPublicKey, randomBytes, verify, type ECDH } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A private CA and a certificate for 127.0.0.1 it signed, made with the openssl CLI for one test run. */
export interface TestCertificates {
  /** The CA's certificate file: give it to the gateway as NODE_EXTRA_CA_CERTS. */
  caFile: string;
  key: Buffer;
  cert: Buffer;
}

export async function makeTestCertificates(): Promise<TestCertificates> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'opendispatch-ca-'));
  const at = (name: string) => path.join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await run('openssl', ['req', '-x509', ...ec, '-keyout', at('ca.key'), '-out', at('ca.crt'), '-days', '2', '-subj', '/CN=OpenDispatch test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await run('openssl', ['req', ...ec, '-keyout', at('server.key'), '-out', at('server.csr'), '-subj', '/CN=127.0.0.1']);
  await writeFile(at('server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
  await run('openssl', ['x509', '-req', '-in', at('server.csr'), '-CA', at('ca.crt'), '-CAkey', at('ca.key'), '-CAcreateserial',
    '-out', at('server.crt'), '-days', '2', '-extfile', at('server.ext')]);
  return { caFile: at('ca.crt'), key: await readFile(at('server.key')), cert: await readFile(at('server.crt')) };
}

/** One request the push service received. */
export interface ReceivedPush {
  /** The subscription id: the last part of the endpoint's path. */
  id: string;
  receivedAt: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** What the service answered. */
  status: number;
}

/**
 * A push service on loopback over https, as FCM or autopush would be to the gateway: it takes
 * `POST /push/<id>`, records each request and answers 201, or what `respond` set for that id
 * (410 for a subscription that is gone).
 */
export interface TestPushService {
  origin: string;
  endpoint(id: string): string;
  received: ReceivedPush[];
  respond(id: string, status: number): void;
  /** Resolves with the first request for `id` received after `count` of them. */
  next(id: string, count?: number, timeoutMs?: number): Promise<ReceivedPush>;
  close(): Promise<void>;
}

export async function startPushService(certificates: TestCertificates): Promise<TestPushService> {
  const received: ReceivedPush[] = [];
  const statuses = new Map<string, number>();
  const server = https.createServer({ key: certificates.key, cert: certificates.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const id = (req.url ?? '').split('/').at(-1) ?? '';
      const status = req.method === 'POST' && req.url?.startsWith('/push/') ? (statuses.get(id) ?? 201) : 404;
      received.push({ id, receivedAt: Date.now(), headers: req.headers, body: Buffer.concat(chunks), status });
      res.writeHead(status, status === 201 ? { location: `${origin}/message/${received.length}` } : {}).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    endpoint: (id) => `${origin}/push/${id}`,
    received,
    respond: (id, status) => statuses.set(id, status),
    async next(id, count = 0, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = received.filter((push) => push.id === id)[count];
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no push #${count + 1} for ${id} within ${timeoutMs} ms (got ${received.length} in all)`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A browser's side of a subscription: its own P-256 key pair and 16-byte auth secret. */
export interface TestSubscriber {
  /** What `PushSubscription.toJSON()` would give. */
  json: { endpoint: string; expirationTime: null; keys: { p256dh: string; auth: string } };
  /** Decrypts an RFC 8291 aes128gcm body with this subscriber's private key, as the browser does. */
  decrypt(body: Buffer): string;
}

const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest();

export function makeSubscriber(endpoint: string): TestSubscriber {
  const ecdh: ECDH = createECDH('prime256v1');
  const publicKey = ecdh.generateKeys();
  const auth = randomBytes(16);
  return {
    json: { endpoint, expirationTime: null, keys: { p256dh: publicKey.toString('base64url'), auth: auth.toString('base64url') } },
    decrypt(body) {
      // RFC 8188 header: salt (16) | record size (4) | key id length (1) | key id (the sender's public key).
      const salt = body.subarray(0, 16);
      const recordSize = body.readUInt32BE(16);
      const idLength = body[20]!;
      const senderKey = body.subarray(21, 21 + idLength);
      const record = body.subarray(21 + idLength);
      if (idLength !== 65 || record.length > recordSize) throw new Error(`unexpected aes128gcm header (key id ${idLength} bytes, record ${record.length} of ${recordSize})`);
      // RFC 8291 §3.4: the input keying material from the ECDH secret and the auth secret.
      const shared = ecdh.computeSecret(senderKey);
      const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), publicKey, senderKey]);
      const ikm = hmac(hmac(auth, shared), Buffer.concat([keyInfo, Buffer.from([1])]));
      const prk = hmac(salt, ikm);
      const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01', 'binary')).subarray(0, 16);
      const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01', 'binary')).subarray(0, 12);
      const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
      decipher.setAuthTag(record.subarray(record.length - 16));
      const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
      // The last record ends with the delimiter 0x02, then zero padding.
      let end = padded.length - 1;
      while (end >= 0 && padded[end] === 0) end -= 1;
      if (padded[end] !== 2) throw new Error('the last record lacks its 0x02 delimiter');
      return padded.subarray(0, end).toString('utf8');
    },
  };
}

/** The claims of a VAPID JWT that verified. */
export interface VapidClaims {
  aud: string;
  exp: number;
  sub: string;
}

/**
 * Checks a push's `Authorization: vapid t=<jwt>, k=<key>` as a push service does (RFC 8292):
 * `k` is the expected public key, the JWT is ES256 and verifies against it, `aud` is this push
 * service's origin and `exp` is in the future and at most 24 hours away.
 */
export function verifyVapid(headers: ReceivedPush['headers'], expectedPublicKey: string, audience: string, now = Date.now()): VapidClaims {
  const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(String(headers.authorization ?? ''));
  if (!match) throw new Error(`not a VAPID Authorization header: ${String(headers.authorization)}`);
  const [, token, key] = match as unknown as [string, string, string];
  if (key !== expectedPublicKey) throw new Error('k is not the gateway\'s VAPID public key');
  const [header, payload, signature] = token.split('.') as [string, string, string];
  if ((JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg?: string }).alg !== 'ES256') throw new Error('the JWT is not ES256');
  const point = Buffer.from(key, 'base64url');
  const publicKey = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33, 65).toString('base64url') }, format: 'jwk' });
  const signed = verify('sha256', Buffer.from(`${header}.${payload}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
  if (!signed) throw new Error('the JWT signature does not verify against the VAPID public key');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as VapidClaims;
  if (claims.aud !== audience) throw new Error(`aud is ${claims.aud}, not ${audience}`);
  const seconds = now / 1000;
  if (!(claims.exp > seconds && claims.exp <= seconds + 24 * 3600)) throw new Error(`exp ${claims.exp} is not within the next 24 hours`);
  if (!/^(mailto:|https:)/.test(claims.sub)) throw new Error(`sub ${claims.sub} is neither mailto: nor https:`);
  return claims;
}
