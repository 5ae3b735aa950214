/**
 * Route B's pending markers (contract/stores.ts PENDING_COLLECTION): written before a record, removed
 * once it is counted in Redis. A collection of its own, not a field on the records: the sweeper reads
 * it whole every second, and FerretDB v1 scans a collection for any query but an `_id` lookup, so a
 * field on a collection of millions would cost a full scan per sweep (measured: route B fell from
 * hundreds of writes/s to tens as the records grew).
 */
import { MongoServerError, type Collection } from 'mongodb';
import { GRADES_COLLECTION, PENDING_COLLECTION } from '../contract/stores.js';
import { toStoreError, type GradeDocument, type MongoGradeStore } from './mongo-grades.js';
import { timed, type StoreObserver } from './observe.js';

export interface PendingMarker {
  _id: string;
  runId: string;
  receivedAt: Date;
}

const DUPLICATE_KEY = 11000;

export class PendingCounts {
  private readonly observe: StoreObserver;

  constructor(private readonly store: MongoGradeStore) {
    this.observe = store.observe;
  }

  /** The markers' collection on a connected client, for readers and tests (calls go through the store's on()). */
  markers(): Promise<Collection<PendingMarker>> {
    return this.store.connection.collection<PendingMarker>(this.store.dbName, PENDING_COLLECTION);
  }

  /** Marks a record as to be counted; a marker already there (a replay, a retry) is fine. `deadline`: the request's. */
  async mark(id: string, runId: string, receivedAt: Date, deadline?: number): Promise<void> {
    try {
      await this.store.bounded(deadline, (bound) => this.store.on<PendingMarker, unknown>(PENDING_COLLECTION, (markers) => timed(this.observe, 'mark_pending', () => markers.insertOne({ _id: id, runId, receivedAt }, bound))));
    } catch (err) {
      if (!(err instanceof MongoServerError && err.code === DUPLICATE_KEY)) throw toStoreError(err);
    }
  }

  /** Markers older than `before`, oldest first, with their records (null: the record was never stored). */
  async stale(before: Date, limit: number): Promise<{ marker: PendingMarker; record: GradeDocument | null }[]> {
    try {
      // One bound for both reads, as before: the pair ends within the default bound.
      return await this.store.bounded(undefined, async (bound) => {
        const markers = await this.store.on<PendingMarker, PendingMarker[]>(PENDING_COLLECTION, (pending) => timed(this.observe, 'find_pending', () => pending.find({ receivedAt: { $lt: before } }, bound).sort({ receivedAt: 1 }).limit(limit).toArray()));
        if (markers.length === 0) return [];
        const records = await this.store.on<GradeDocument, GradeDocument[]>(GRADES_COLLECTION, (grades) => timed(this.observe, 'find', () => grades.find({ _id: { $in: markers.map((m) => m._id) } }, bound).toArray()));
        const byId = new Map(records.map((r) => [r._id, r]));
        return markers.map((marker) => ({ marker, record: byId.get(marker._id) ?? null }));
      });
    } catch (err) {
      throw toStoreError(err);
    }
  }

  /** Removes the markers of records now counted (one delete for many). */
  async clear(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    try {
      await this.store.bounded(undefined, (bound) => this.store.on<PendingMarker, unknown>(PENDING_COLLECTION, (markers) => timed(this.observe, 'clear_pending', () => markers.deleteMany({ _id: { $in: ids } }, bound))));
    } catch (err) {
      throw toStoreError(err);
    }
  }
}
