import type { Grade } from './grade.js';
import type { RouteName } from './routes.js';

/** One write as it travels from a REST service to a store (or over gRPC to grpc-server). */
export interface WriteRequest {
  /** Idempotency-Key or a generated UUIDv7; MongoDB `_id`. */
  id: string;
  runId: string;
  grade: Grade;
  /** Instance id of the REST service that accepted the request. */
  instance: string;
}

/** What the client gets back; a replay returns the original values with replayed = true. */
export interface WriteResult {
  id: string;
  route: RouteName | string;
  receivedAt: string;
  replayed: boolean;
}
