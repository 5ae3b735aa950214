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
 * - a client found closed later (MongoTopologyClosedError) is replaced the same way.
 * Every failure carries the URL with its password masked (service-kit/secrets.ts).
 */
import { MongoClient, MongoTopologyClosedError, type Collection, type Document, type MongoClientOptions } from 'mongodb';
import { redactText } from '../service-kit/secrets.js';

export class MongoConnection {
  private connected: MongoClient | undefined;
  private attempt: Promise<MongoClient> | undefined;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly options: MongoClientOptions,
  ) {}

  /** A connected client; rejects (with the driver's reason) while MongoDB cannot be reached. */
  client(): Promise<MongoClient> {
    if (this.closed) return Promise.reject(new Error('MongoDB connection closed'));
    if (this.connected) return Promise.resolve(this.connected);
    this.attempt ??= this.connect().finally(() => (this.attempt = undefined));
    return this.attempt;
  }

  async collection<T extends Document>(db: string, name: string): Promise<Collection<T>> {
    return (await this.client()).db(db).collection<T>(name);
  }

  /**
   * Runs `fn` on a connected client. A client the driver has closed under us is dropped, so the
   * next call connects afresh; the error still goes to this caller (the write did not happen).
   */
  async use<R>(fn: (client: MongoClient) => Promise<R>): Promise<R> {
    const client = await this.client();
    try {
      return await fn(client);
    } catch (err) {
      if (err instanceof MongoTopologyClosedError && this.connected === client && !this.closed) {
        this.connected = undefined;
        void client.close().catch(() => {});
      }
      throw err;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const pending = this.attempt;
    const client = this.connected;
    this.connected = undefined;
    await Promise.allSettled([client?.close(), pending?.then((c) => c.close())]);
  }

  private async connect(): Promise<MongoClient> {
    const client = new MongoClient(this.url, this.options);
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
    return client;
  }
}
