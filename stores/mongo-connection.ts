/**
 * A MongoDB client that works whenever MongoDB comes up: before the service, after it, or minutes later.
 *
 * Why not just `new MongoClient(url)` and let the driver connect on first use: the Node driver (7.x)
 * closes a client whose first connection fails, and every later operation on it answers "Topology is
 * closed" for good (mongo-connection.test.ts shows it on the real driver). A service started before its
 * MongoDB never served again. Once a client has connected, the driver's own server monitors do find a
 * restarted server (also shown in the test), so only the first connect needs help:
 * - connect explicitly; at most one attempt at a time, shared by every caller waiting for it;
 * - a failed attempt closes its client and is forgotten: the next use makes a new client and tries again;
 * - a client found closed later (MongoTopologyClosedError) is replaced the same way;
 * - so is a connected client that has reached no server for a while (every call a server-selection or
 *   network failure for `staleAfterMs`, 3 × serverSelectionTimeoutMS by default): in fault runs a service whose
 *   MongoDB link was partitioned and healed kept answering "connection 3 ... closed" from server
 *   selection for minutes while the server answered others, so its monitor no longer noticed the
 *   server. A fresh client connects at once when the server is there, and fails as before when not.
 * Every failure carries the URL with its password masked (service-kit/secrets.ts).
 */
import { MongoClient, MongoNetworkError, MongoServerSelectionError, MongoTopologyClosedError, type Collection, type Document, type MongoClientOptions } from 'mongodb';
import { redactText } from '../service-kit/secrets.js';

/**
 * Collection handles, per client then per database and name. The driver builds a new Db and Collection
 * (options merged, namespace parsed) on every `client.db().collection()`, which was ~2% of grpc-server's
 * and redis-writer's CPU when done per call (mongo-connection.test.ts shows the driver does not reuse
 * them). Keyed by the client, not the connection: a replaced client gets handles of its own, and a
 * dropped one takes its handles with it.
 */
const handles = new WeakMap<MongoClient, Map<string, Map<string, Collection<Document>>>>();

/** The collection `db.name` on `client`, built once per client. */
export function collectionOn<T extends Document>(client: MongoClient, db: string, name: string): Collection<T> {
  let dbs = handles.get(client);
  if (dbs === undefined) handles.set(client, (dbs = new Map()));
  let names = dbs.get(db);
  if (names === undefined) dbs.set(db, (names = new Map()));
  let collection = names.get(name);
  if (collection === undefined) names.set(name, (collection = client.db(db).collection(name)));
  return collection as unknown as Collection<T>;
}

export class MongoConnection {
  private connected: MongoClient | undefined;
  private attempt: Promise<MongoClient> | undefined;
  private closed = false;
  /** ms since the epoch: the first of an unbroken run of server-selection failures of `connected`. */
  private unselectableSince: number | undefined;
  /** Clients replaced because they found no server for staleAfterMs (a figure for tests and logs). */
  replaced = 0;
  private readonly staleAfterMs: number;

  constructor(
    private readonly url: string,
    private readonly options: MongoClientOptions,
    opts: { staleAfterMs?: number } = {},
  ) {
    this.staleAfterMs = opts.staleAfterMs ?? 3 * (options.serverSelectionTimeoutMS ?? 30_000);
  }

  /** A connected client; rejects (with the driver's reason) while MongoDB cannot be reached. */
  client(): Promise<MongoClient> {
    if (this.closed) return Promise.reject(new Error('MongoDB connection closed'));
    if (this.connected) return Promise.resolve(this.connected);
    this.attempt ??= this.connect().finally(() => (this.attempt = undefined));
    return this.attempt;
  }

  async collection<T extends Document>(db: string, name: string): Promise<Collection<T>> {
    return collectionOn<T>(await this.client(), db, name);
  }

  /**
   * Runs `fn` on a connected client. A client the driver has closed under us is dropped, so the
   * next call connects afresh; the error still goes to this caller (the write did not happen).
   */
  async use<R>(fn: (client: MongoClient) => Promise<R>): Promise<R> {
    const client = await this.client();
    try {
      const result = await fn(client);
      if (this.connected === client) this.unselectableSince = undefined;
      return result;
    } catch (err) {
      if (err instanceof MongoServerSelectionError || err instanceof MongoNetworkError) this.networkFailureAt = performance.now();
      if (this.connected === client && !this.closed && this.isStale(err)) {
        this.connected = undefined;
        this.unselectableSince = undefined;
        this.replaced++;
        void client.close().catch(() => {});
      }
      throw err;
    }
  }

  /** Whether the client that failed with `err` should be replaced by a new one. */
  private isStale(err: unknown): boolean {
    if (err instanceof MongoTopologyClosedError) return true;
    // Refused or reset connections (MongoNetworkError) and "no server" (selection) alike: nothing reached it.
    if (!(err instanceof MongoServerSelectionError || err instanceof MongoNetworkError)) return false;
    const now = Date.now();
    this.unselectableSince ??= now;
    return now - this.unselectableSince >= this.staleAfterMs;
  }

  async close(): Promise<void> {
    this.closed = true;
    const pending = this.attempt;
    const client = this.connected;
    this.connected = undefined;
    await Promise.allSettled([client?.close(), pending?.then((c) => c.close())]);
  }

  /**
   * What the driver's server monitor last saw of the server, on its own connection (not the pool):
   * 'up' when it answered, 'down' (with why) when not, undefined before a client has connected.
   * Readiness asks this first: a pool busy with writes is a busy store, not an unready one (seen: a
   * readiness ping queued behind 20 writes timed out, the ingress stopped routing to a working
   * replica, and the retries that followed kept the store busy).
   */
  monitor(): { state: 'up' } | { state: 'down'; why: string } | undefined {
    if (this.connected === undefined) return undefined;
    // A call that could not reach the server since the monitor last saw it: the monitor's news is old.
    if (this.serverState.state === 'up' && this.networkFailureAt > this.upSince) return undefined;
    return this.serverState;
  }

  private serverState: { state: 'up' } | { state: 'down'; why: string } = { state: 'up' };
  private upSince = 0;
  private networkFailureAt = -1;

  private async connect(): Promise<MongoClient> {
    const client = new MongoClient(this.url, this.options);
    client.on('serverDescriptionChanged', (e) => {
      if (this.connected !== undefined && this.connected !== client) return;
      const d = e.newDescription;
      this.serverState = d.type === 'Unknown' ? { state: 'down', why: redactText(d.error?.message ?? 'server unknown to the driver') } : { state: 'up' };
      if (d.type !== 'Unknown') this.upSince = performance.now();
    });
    try {
      await client.connect();
    } catch (err) {
      await client.close().catch(() => {});
      throw new Error(redactText(err instanceof Error ? err.message : String(err)), { cause: err });
    }
    if (this.closed) {
      await client.close().catch(() => {});
      throw new Error('MongoDB connection closed');
    }
    this.connected = client;
    this.unselectableSince = undefined;
    this.serverState = { state: 'up' };
    this.upSince = performance.now();
    return client;
  }
}
