/**
 * Route B's pending markers (contract/stores.ts PENDING_COLLECTION): written before a record, removed
 * once it is counted in Redis. A collection of its own, not a field on the records: the sweeper reads
 * it whole every second, and FerretDB v1 scans a collection for any query but an `_id` lookup, so a
 * field on a collection of millions would cost a full scan per sweep (measured: route B fell from
 * hundreds of writes/s to tens as the records grew).
 */
import { MongoServerError, type Collection } from 'mongodb';
import { PENDING_COLLECTION } from '../contract/stores.js';
import { UnavailableError } from '../service-kit/errors.js';
import type { GradeDocument, MongoGradeStore } from './mongo-grades.js';
import { timed, type StoreObserver } from './observe.js';

export interface PendingMarker {
  _id: string;
  runId: string;
  receivedAt: Date;
}

const DUPLICATE_KEY = 11000;

const unavailable = (err: unknown): UnavailableError => new UnavailableError(`MongoDB: ${err instanceof Error ? err.message : String(err)}`);

export class PendingCounts {
  readonly markers: Collection<PendingMarker>;
  private readonly observe: StoreObserver;

  constructor(private readonly store: MongoGradeStore) {
    this.markers = store.client.db(store.collection.dbName).collection<PendingMarker>(PENDING_COLLECTION);
    this.observe = store.observe;
  }

  /** Marks a record as to be counted; a marker already there (a replay, a retry) is fine. */
  async mark(id: string, runId: string, receivedAt: Date): Promise<void> {
    try {
      await timed(this.observe, 'mark_pending', () => this.markers.insertOne({ _id: id, runId, receivedAt }));
    } catch (err) {
      if (!(err instanceof MongoServerError && err.code === DUPLICATE_KEY)) throw unavailable(err);
    }
  }

  /** Markers older than `before`, oldest first, with their records (null: the record was never stored). */
  async stale(before: Date, limit: number): Promise<{ marker: PendingMarker; record: GradeDocument | null }[]> {
    try {
      const markers = await timed(this.observe, 'find_pending', () => this.markers.find({ receivedAt: { $lt: before } }).sort({ receivedAt: 1 }).limit(limit).toArray());
      if (markers.length === 0) return [];
      const records = await timed(this.observe, 'find', () => this.store.collection.find({ _id: { $in: markers.map((m) => m._id) } }).toArray());
      const byId = new Map(records.map((r) => [r._id, r]));
      return markers.map((marker) => ({ marker, record: byId.get(marker._id) ?? null }));
    } catch (err) {
      throw unavailable(err);
    }
  }

  /** Removes the markers of records now counted (one delete for many). */
  async clear(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    try {
      await timed(this.observe, 'clear_pending', () => this.markers.deleteMany({ _id: { $in: ids } }));
    } catch (err) {
      throw unavailable(err);
    }
  }
}
