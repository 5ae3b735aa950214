/**
 * MongoDB store for grade records, shared by grpc-server (route A) and redis-writer (route B).
 * Idempotent on the record id: a second insert of the same `_id` returns the first result.
 */
import { MongoClient, MongoServerError, type Collection } from 'mongodb';
import { gradeFingerprint, type Grade } from '../contract/grade.js';
import type { WriteRequest, WriteResult } from '../contract/record.js';
import { GRADES_COLLECTION, GRADES_INDEXES } from '../contract/stores.js';
import { ConflictError, UnavailableError } from '../service-kit/errors.js';
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

const DUPLICATE_KEY = 11000;

export type { StoreObserver } from './observe.js';

export interface MongoGradeStoreOptions {
  url: string;
  dbName: string;
  /** Bounds server selection, connect and socket waits, so a dead server fails fast with 503. */
  timeoutMs: number;
  observe?: StoreObserver;
}

export class MongoGradeStore {
  readonly client: MongoClient;
  readonly collection: Collection<GradeDocument>;
  readonly observe: StoreObserver;
  private indexesReady: Promise<void> | undefined;

  constructor(opts: MongoGradeStoreOptions) {
    // No connect() here: the driver connects on first use and reconnects by itself, so a service
    // starts (and reports not-ready) while MongoDB is still down.
    this.client = new MongoClient(opts.url, {
      serverSelectionTimeoutMS: opts.timeoutMs,
      connectTimeoutMS: opts.timeoutMs,
      socketTimeoutMS: opts.timeoutMs * 2,
      maxPoolSize: 20,
      appName: 'splitbench',
    });
    this.collection = this.client.db(opts.dbName).collection<GradeDocument>(GRADES_COLLECTION);
    this.observe = opts.observe ?? (() => {});
  }

  /** Stores the record once. Throws UnavailableError when MongoDB cannot be reached, ConflictError on a reused id. */
  async save(req: WriteRequest, route: string, now: Date = new Date()): Promise<WriteResult> {
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
    try {
      await timed(this.observe, 'insert', () => this.collection.insertOne(doc));
      return { id: req.id, route, receivedAt: now.toISOString(), replayed: false };
    } catch (err) {
      if (!(err instanceof MongoServerError && err.code === DUPLICATE_KEY)) throw toStoreError(err);
    }
    // Same id seen before: either a client replay or a retry after a lost acknowledgement.
    const existing = await timed(this.observe, 'find', () => this.collection.findOne({ _id: req.id })).catch((err: unknown) => {
      throw toStoreError(err);
    });
    if (existing === null) throw new UnavailableError('record vanished between insert and read; retry');
    if (existing.fingerprint !== doc.fingerprint) {
      throw new ConflictError(`id ${req.id} was already used for a different record`);
    }
    return { id: existing._id, route: existing.route, receivedAt: existing.receivedAt.toISOString(), replayed: true };
  }

  async ping(): Promise<void> {
    try {
      await timed(this.observe, 'ping', () => this.client.db('admin').command({ ping: 1 }));
    } catch (err) {
      throw toStoreError(err);
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private ensureIndexes(): Promise<void> {
    // Created once per process, lazily, so a store that starts while MongoDB is down still works later.
    // One index per command: FerretDB v1 panics ("slice bounds out of range") on a createIndexes of
    // several indexes that all exist already, which is every start after the first writer's.
    this.indexesReady ??= GRADES_INDEXES.reduce<Promise<unknown>>((prev, i) => prev.then(() => this.collection.createIndex({ ...i.key }, { name: i.name })), Promise.resolve())
      .then(() => undefined)
      .catch((err: unknown) => {
        this.indexesReady = undefined;
        throw toStoreError(err);
      });
    return this.indexesReady;
  }
}

/** The store of a service's MongoDB settings (service-kit/config.ts readMongo), timed into its metrics. */
export function gradeStoreFor(c: { mongoUrl: string; mongoDb: string; mongoTimeoutMs: number }, observe?: StoreObserver): MongoGradeStore {
  return new MongoGradeStore({ url: c.mongoUrl, dbName: c.mongoDb, timeoutMs: c.mongoTimeoutMs, ...(observe ? { observe } : {}) });
}

/** Any driver failure other than a duplicate key means the write did not land: report "unavailable". */
function toStoreError(err: unknown): Error {
  if (err instanceof ConflictError || err instanceof UnavailableError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new UnavailableError(`MongoDB: ${message}`);
}
