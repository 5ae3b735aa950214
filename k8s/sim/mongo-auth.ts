/**
 * The cluster's MongoDB asks for the `splitbench-stores` Secret's user and password; the local stand-in
 * (FerretDB, through which the local stack wrote) has no users. This proxy stands in front of it and
 * holds the Secret's credentials: it answers SCRAM-SHA-256 itself (checking the client's proof, so a
 * wrong password fails as it would in the cluster), refuses other commands until a connection has
 * authenticated, and passes everything else through unchanged. Only the wire messages a MongoDB driver
 * sends to authenticate are read: the handshake (OP_QUERY or OP_MSG hello) and saslStart/saslContinue.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import net from 'node:net';
import { BSON } from 'mongodb';

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;
const ITERATIONS = 4096;
/** Commands a driver sends before authenticating (the handshake and its monitoring). */
const BEFORE_AUTH = new Set(['hello', 'ismaster', 'ping', 'buildinfo', 'saslstart', 'saslcontinue', 'endsessions']);

type Doc = Record<string, unknown>;

export interface AuthProxy { port: number; stop(): Promise<void> }

const hmac = (key: Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();
const sha = (b: Buffer): Buffer => createHash('sha256').update(b).digest();
const xor = (a: Buffer, b: Buffer): Buffer => Buffer.from(a.map((x, i) => x ^ (b[i] ?? 0)));
const attrs = (s: string): Map<string, string> => new Map(s.split(',').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));

function header(length: number, requestId: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(requestId, 4);
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

function opMsg(responseTo: number, doc: Doc): Buffer {
  const body = Buffer.concat([Buffer.alloc(4), Buffer.from([0]), BSON.serialize(doc)]);
  return Buffer.concat([header(16 + body.length, Math.floor(Math.random() * 2 ** 31), responseTo, OP_MSG), body]);
}

/** The first (kind 0) section's document of an OP_MSG, or undefined. */
function msgDoc(m: Buffer): Doc | undefined {
  if (m.readUInt8(20) !== 0) return undefined;
  return BSON.deserialize(m.subarray(21, 21 + m.readInt32LE(21)));
}

/** OP_QUERY's query document and where it sits. */
function queryDoc(m: Buffer): { doc: Doc; start: number; end: number } {
  const nameEnd = m.indexOf(0, 20);
  const start = nameEnd + 1 + 8;
  const end = start + m.readInt32LE(start);
  return { doc: BSON.deserialize(m.subarray(start, end)), start, end };
}

class Conversation {
  private clientBare = '';
  private serverFirst = '';
  private readonly salt = randomBytes(16);
  private readonly salted: Buffer;
  constructor(private readonly user: string, password: string) {
    this.salted = pbkdf2Sync(password, this.salt, ITERATIONS, 32, 'sha256');
  }
  start(payload: string): string {
    const bare = payload.replace(/^n,[^,]*,/, '');
    const a = attrs(bare);
    if (a.get('n') !== this.user.replace(/=/g, '=3D').replace(/,/g, '=2C')) throw new Error('Authentication failed.');
    this.clientBare = bare;
    this.serverFirst = `r=${a.get('r') ?? ''}${randomBytes(18).toString('base64')},s=${this.salt.toString('base64')},i=${ITERATIONS}`;
    return this.serverFirst;
  }
  finish(payload: string): string {
    const a = attrs(payload);
    const withoutProof = payload.slice(0, payload.lastIndexOf(',p='));
    const authMessage = `${this.clientBare},${this.serverFirst},${withoutProof}`;
    const storedKey = sha(hmac(this.salted, 'Client Key'));
    const clientKey = xor(Buffer.from(a.get('p') ?? '', 'base64'), hmac(storedKey, authMessage));
    if (!a.get('r')?.startsWith(attrs(this.serverFirst).get('r') ?? '\0') || !timingSafeEqual(sha(clientKey), storedKey)) throw new Error('Authentication failed.');
    return `v=${hmac(hmac(this.salted, 'Server Key'), authMessage).toString('base64')}`;
  }
}

/** Listens on 127.0.0.1 (a free port) in front of `upstream` (host:port), with the one user it admits. */
export async function startAuthProxy(upstream: string, user: string, password: string): Promise<AuthProxy> {
  const [host, port] = [upstream.slice(0, upstream.lastIndexOf(':')), Number(upstream.slice(upstream.lastIndexOf(':') + 1))];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const backend = net.connect(port, host);
    sockets.add(client).add(backend);
    let authed = false;
    let conversation: Conversation | undefined;
    /** Handshake replies to add the mechanism to, by the request they answer. */
    const handshakes = new Set<number>();
    let fromClient: Buffer = Buffer.alloc(0);
    let fromServer: Buffer = Buffer.alloc(0);
    const close = (): void => {
      client.destroy();
      backend.destroy();
    };
    client.on('error', close).on('close', close);
    backend.on('error', close).on('close', close);

    const onClientMessage = (m: Buffer): void => {
      const requestId = m.readInt32LE(4);
      const opCode = m.readInt32LE(12);
      if (opCode === OP_QUERY) {
        const q = queryDoc(m);
        const { saslSupportedMechs, speculativeAuthenticate, ...rest } = q.doc;
        if (saslSupportedMechs !== undefined || speculativeAuthenticate !== undefined) {
          handshakes.add(requestId);
          const doc = BSON.serialize(rest);
          const out = Buffer.concat([m.subarray(0, q.start), doc, m.subarray(q.end)]);
          out.writeInt32LE(out.length, 0);
          backend.write(out);
          return;
        }
        backend.write(m);
        return;
      }
      if (opCode !== OP_MSG) return void backend.write(m);
      const doc = msgDoc(m);
      const command = Object.keys(doc ?? {})[0]?.toLowerCase() ?? '';
      try {
        if (command === 'saslstart') {
          if (doc!.mechanism !== 'SCRAM-SHA-256') throw new Error(`mechanism ${String(doc!.mechanism)} not supported here`);
          conversation = new Conversation(user, password);
          const reply = conversation.start(Buffer.from((doc!.payload as { buffer: Uint8Array }).buffer).toString('utf8'));
          return void client.write(opMsg(requestId, { conversationId: 1, done: false, payload: new BSON.Binary(Buffer.from(reply)), ok: 1 }));
        }
        if (command === 'saslcontinue') {
          if (conversation === undefined) throw new Error('no conversation');
          const reply = conversation.finish(Buffer.from((doc!.payload as { buffer: Uint8Array }).buffer).toString('utf8'));
          authed = true;
          return void client.write(opMsg(requestId, { conversationId: 1, done: true, payload: new BSON.Binary(Buffer.from(reply)), ok: 1 }));
        }
      } catch (err) {
        return void client.write(opMsg(requestId, { ok: 0, code: 18, codeName: 'AuthenticationFailed', errmsg: (err as Error).message }));
      }
      if (!authed && !BEFORE_AUTH.has(command)) {
        return void client.write(opMsg(requestId, { ok: 0, code: 13, codeName: 'Unauthorized', errmsg: `command ${command} requires authentication` }));
      }
      if (command === 'hello' || command === 'ismaster') {
        if (doc!.saslSupportedMechs !== undefined) handshakes.add(requestId);
      }
      backend.write(m);
    };

    const onServerMessage = (m: Buffer): void => {
      const responseTo = m.readInt32LE(8);
      if (!handshakes.delete(responseTo)) return void client.write(m);
      const opCode = m.readInt32LE(12);
      if (opCode === OP_REPLY) {
        const doc = BSON.deserialize(m.subarray(36));
        const body = Buffer.concat([m.subarray(16, 36), BSON.serialize({ ...doc, saslSupportedMechs: ['SCRAM-SHA-256'] })]);
        return void client.write(Buffer.concat([header(16 + body.length, m.readInt32LE(4), responseTo, OP_REPLY), body]));
      }
      const doc = opCode === OP_MSG ? msgDoc(m) : undefined;
      client.write(doc ? opMsg(responseTo, { ...doc, saslSupportedMechs: ['SCRAM-SHA-256'] }) : m);
    };

    const frames = (buf: Buffer, each: (m: Buffer) => void): Buffer => {
      while (buf.length >= 4 && buf.length >= buf.readInt32LE(0)) {
        const len = buf.readInt32LE(0);
        each(buf.subarray(0, len));
        buf = buf.subarray(len);
      }
      return buf;
    };
    client.on('data', (d: Buffer) => void (fromClient = frames(Buffer.concat([fromClient, d]), onClientMessage)));
    backend.on('data', (d: Buffer) => void (fromServer = frames(Buffer.concat([fromServer, d]), onServerMessage)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    stop: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
