/**
 * MongoDB store for grade records, shared by grpc-server (route A) and redis-writer (route B).
 * Idempotent on the record id: a second insert of the same `_id` returns the first result.
 */
import type { Collection, Document } from 'mongodb';
import { gradeFingerprint, type Grade } from '../contract/grade.js';
import type { WriteRequest, WriteResult } from '../contract/record.js';
import { GRADES_COLLECTION, GRADES_INDEXES } from '../contract/stores.js';
import { DEFAULTS } from '../contract/services.js';
import { ConflictError, DeadlineError, UnavailableError } from '../service-kit/errors.js';
import { redactText } from '../service-kit/secrets.js';
import { withinMs, type Bounded } from './call-bound.js';
import { InsertBatcher } from './insert-batcher.js';
import { collectionOn, MongoConnection } from './mongo-connection.js';
import { timed, type StoreObserver } from './observe.js';

/** The document as stored; grade fields sit at the top level so dashboards can group on them. */
export interface GradeDocument extends Grade {
  _id: string;
  runId: string;
  route: string;
  receivedAt: Date;
  instance: string;
  fingerprint: string;
}

export type { StoreObserver } from './observe.js';

export interface MongoGradeStoreOptions {
  url: string;
  dbName: string;
  /** Bounds server selection, connect and socket waits, so a dead server fails fast with 503. */
  timeoutMs: number;
  /** Records per insert command at most: those that queue while one is in flight go together (insert-batcher.ts); 1: each alone. */
  insertBatch?: number;
  observe?: StoreObserver;
}



/**
 * How long a store call may wait when its caller set no deadline (the sweeper, readiness): the same
 * bound as a request's, so nothing waits on a hung store for as long as the hang.
 */
const callBound = (timeoutMs: number): number => timeoutMs * 2;

export class MongoGradeStore {
  readonly connection: MongoConnection;
  readonly dbName: string;
  readonly observe: StoreObserver;
  private readonly timeoutMs: number;
  private readonly inserts: InsertBatcher<GradeDocument>;
  private indexesReady: Promise<void> | undefined;

  constructor(opts: MongoGradeStoreOptions) {
    // Connects on first use, and again after a failed first connect (mongo-connection.ts says why the
    // driver alone does not): a service starts, reports not-ready while MongoDB is down, and serves
    // within a call of MongoDB coming up, in whatever order they started.
    this.connection = new MongoConnection(opts.url, {
      serverSelectionTimeoutMS: opts.timeoutMs,
      connectTimeoutMS: opts.timeoutMs,
      // A bound on every socket read, whoever waits on it: the last resort against a store that hangs.
      socketTimeoutMS: callBound(opts.timeoutMs),
      // The monitor checks the server every second on its own connection (the default is 10 s), so
      // readiness (ping) notices a hung or unreachable store within a second or two.
      heartbeatFrequencyMS: 1000,
      maxPoolSize: 20,
      appName: 'splitbench',
    });
    this.dbName = opts.dbName;
    this.timeoutMs = opts.timeoutMs;
    this.observe = opts.observe ?? (() => {});
    this.inserts = new InsertBatcher<GradeDocument>({
      maxBatch: opts.insertBatch ?? DEFAULTS.MONGO_INSERT_BATCH,
      send: (docs, deadline) =>
        this.bounded(deadline, (bound) =>
          this.on<GradeDocument, unknown>(GRADES_COLLECTION, (records) => timed<unknown>(this.observe, 'insert', () => (docs.length === 1 ? records.insertOne(docs[0]!, bound) : records.insertMany(docs, { ...bound, ordered: false })))),
        ),
      notSent: () => new UnavailableError('MongoDB: no time left before the request deadline; not sent'),
      late: () => new DeadlineError('MongoDB did not answer before the request deadline; the record may have landed'),
    });
  }

  /** The records' collection on a connected client, for readers and tests (writes go through on()). */
  records(): Promise<Collection<GradeDocument>> {
    return this.connection.collection<GradeDocument>(this.dbName, GRADES_COLLECTION);
  }

  /**
   * Runs one call on a collection of this database, through MongoConnection.use(): every call's
   * failure counts toward replacing a client that no longer reaches the server.
   */
  on<T extends Document, R>(name: string, fn: (collection: Collection<T>) => Promise<R>): Promise<R> {
    return this.connection.use((client) => fn(collectionOn<T>(client, this.dbName, name)));
  }

  /**
   * Runs `fn` with options that end its calls at `deadline` (ms since the epoch), or at the default
   * bound: an abort signal (call-bound.ts), which the driver (7.x) honours while waiting for a server,
   * for a pooled connection and for the answer. Not `timeoutMS`: in driver 7.9 it "has no effect" (its
   * own deprecation notice), so a call waited as long as the store hung. A deadline already past fails
   * at once: the caller has given up, so the call must not be queued. (The driver closes a connection
   * whose read is aborted: fine for the rare deadline, and the reason a bound is not set tighter than
   * the request's.)
   */
  bounded<R>(deadline: number | undefined, fn: (bound: Bounded) => Promise<R>): Promise<R> {
    const left = deadline === undefined ? callBound(this.timeoutMs) : deadline - Date.now();
    if (left <= 0) return Promise.reject(new UnavailableError('MongoDB: no time left before the request deadline; not sent'));
    return withinMs(Math.min(left, callBound(this.timeoutMs)), fn);
  }

  /**
   * Stores the record once. Throws UnavailableError when MongoDB cannot be reached or the call could
   * not start in time (nothing was written), DeadlineError when it started but no answer came before
   * `deadline` (it may have landed: a retry with the same id finds it), ConflictError on a reused id.
   */
  async save(req: WriteRequest, route: string, now: Date = new Date(), deadline?: number): Promise<WriteResult> {
    const doc: GradeDocument = {
      _id: req.id,
      ...req.grade,
      runId: req.runId,
      route,
      receivedAt: now,
      instance: req.instance,
      fingerprint: gradeFingerprint(req.grade),
    };
    await this.ensureIndexes();
    // With the records that queue meanwhile, in one command (insert-batcher.ts); its outcome is this record's own.
    const outcome = await this.inserts.insert(doc, deadline).catch((err: unknown) => {
      throw toStoreError(err);
    });
    if (outcome === 'inserted') return { id: req.id, route, receivedAt: now.toISOString(), replayed: false };
    // Same id seen before: either a client replay or a retry after a lost acknowledgement.
    const existing = await this.bounded(deadline, (bound) => this.on<GradeDocument, GradeDocument | null>(GRADES_COLLECTION, (records) => timed(this.observe, 'find', () => records.findOne({ _id: req.id }, bound)))).catch((err: unknown) => {
      throw toStoreError(err);
    });
    if (existing === null) throw new UnavailableError('record vanished between insert and read; retry');
    if (existing.fingerprint !== doc.fingerprint) {
      throw new ConflictError(`id ${req.id} was already used for a different record`);
    }
    return { id: existing._id, route: existing.route, receivedAt: existing.receivedAt.toISOString(), replayed: true };
  }

  /**
   * Rejects when MongoDB cannot take writes now. The driver's monitor answers first (its own
   * connection, checked every second); only when it has no good news, or a call has failed to reach
   * the server since its news, is a ping sent through the pool, which also lets a stuck client be
   * replaced (mongo-connection.ts).
   */
  async ping(): Promise<void> {
    if (this.connection.monitor()?.state === 'up') return;
    try {
      await this.bounded(Date.now() + this.timeoutMs, (bound) => this.connection.use((client) => timed(this.observe, 'ping', () => client.db('admin').command({ ping: 1 }, bound))));
    } catch (err) {
      throw toStoreError(err);
    }
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  private ensureIndexes(): Promise<void> {
    // Created once per process, lazily, so a store that starts while MongoDB is down still works later.
    // One index per command: FerretDB v1 panics ("slice bounds out of range") on a createIndexes of
    // several indexes that all exist already, which is every start after the first writer's.
    this.indexesReady ??= this.on<GradeDocument, unknown>(GRADES_COLLECTION, (records) => GRADES_INDEXES.reduce<Promise<unknown>>((prev, i) => prev.then(() => records.createIndex({ ...i.key }, { name: i.name })), Promise.resolve()))
      .then(() => undefined)
      .catch((err: unknown) => {
        this.indexesReady = undefined;
        throw toStoreError(err);
      });
    return this.indexesReady;
  }
}

/** The store of a service's MongoDB settings (service-kit/config.ts readMongo), timed into its metrics. */
export function gradeStoreFor(c: { mongoUrl: string; mongoDb: string; mongoTimeoutMs: number; mongoInsertBatch?: number }, observe?: StoreObserver): MongoGradeStore {
  return new MongoGradeStore({ url: c.mongoUrl, dbName: c.mongoDb, timeoutMs: c.mongoTimeoutMs, ...(c.mongoInsertBatch === undefined ? {} : { insertBatch: c.mongoInsertBatch }), ...(observe ? { observe } : {}) });
}

/**
 * What a driver failure means for the write. A timeout before the operation was sent (waiting for a
 * server or for a pooled connection) wrote nothing: unavailable, 503. A timeout waiting for the answer
 * to a sent write may have landed: deadline, 504. Any other failure: unavailable. Told apart by the
 * driver's messages ("Timed out while checking out a connection from connection pool", "Timed out
 * during socket read", seen on driver 7.9 when the bound's signal fires). Messages are masked
 * (drivers echo connection strings).
 */
export function toStoreError(err: unknown): Error {
  if (err instanceof ConflictError || err instanceof UnavailableError || err instanceof DeadlineError) return err;
  const message = redactText(err instanceof Error ? err.message : String(err));
  const timedOut = /timed out|TimeoutError|aborted/i.test(`${message} ${err instanceof Error ? err.name : ''}`);
  if (timedOut && !NOT_SENT.test(message)) return new DeadlineError(`MongoDB did not answer in time: ${message}`);
  return new UnavailableError(`MongoDB: ${message}`);
}

/** The driver's timeout messages for an operation that never reached the server. */
const NOT_SENT = /server selection|checking out a connection|waiting for a connection/i;
