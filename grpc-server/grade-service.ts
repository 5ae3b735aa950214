/** grades.v1.GradeService: validates each record again (never trust the network) and stores it in MongoDB. */
import * as grpc from '@grpc/grpc-js';
import { GRADE_FIELDS, validateGrade } from '../contract/grade.js';
// Record ids are the REST side's Idempotency-Keys, so the same pattern holds them.
import { IDEMPOTENCY_KEY_PATTERN as ID_PATTERN, RUN_ID_PATTERN } from '../contract/http.js';
import type { GradeServiceHandlers } from '../proto/generated/grades/v1/GradeService.js';
import type { Grade__Output } from '../proto/generated/grades/v1/Grade.js';
import { ConflictError, DeadlineError, UnavailableError } from '../service-kit/errors.js';
import type { Logger } from '../service-kit/logger.js';
import type { ServiceMetrics } from '../service-kit/metrics.js';
import type { MongoGradeStore } from '../stores/mongo-grades.js';
import { SERVICE_ROUTE } from '../contract/routes.js';
import { SERVICES } from '../contract/services.js';

export const ROUTE = SERVICE_ROUTE[SERVICES.grpcServer];

/** Proto3 `optional` fields arrive absent or as values; synthetic oneof markers (`_nota`) are dropped. */
export function gradeFromMessage(msg: Grade__Output | null | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!msg) return out;
  for (const field of GRADE_FIELDS) {
    const value = (msg as unknown as Record<string, unknown>)[field];
    if (value !== undefined && value !== null) out[field] = value;
  }
  return out;
}


/** The call's deadline in ms since the epoch; undefined when the caller set none. */
function deadlineOf(call: grpc.ServerUnaryCall<unknown, unknown>): number | undefined {
  const d = call.getDeadline();
  const ms = d instanceof Date ? d.getTime() : d;
  return Number.isFinite(ms) ? ms : undefined;
}

export function createGradeService(store: MongoGradeStore, metrics: ServiceMetrics, logger: Logger): GradeServiceHandlers {
  return {
    SubmitGrade: (call, callback) => {
      const start = process.hrtime.bigint();
      const done = (code: grpc.status, err: grpc.ServiceError | Partial<grpc.StatusObject> | null, value?: Parameters<typeof callback>[1]): void => {
        metrics.grpcServerDuration.observe({ method: 'SubmitGrade', code: grpc.status[code] }, Number(process.hrtime.bigint() - start) / 1e9);
        callback(err, value);
      };
      const req = call.request;
      const problems: string[] = [];
      if (!ID_PATTERN.test(req.id ?? '')) problems.push('id: must match ' + String(ID_PATTERN));
      if (!RUN_ID_PATTERN.test(req.run_id ?? '')) problems.push('run_id: must match ' + String(RUN_ID_PATTERN));
      const result = validateGrade(gradeFromMessage(req.grade));
      if (!result.ok) problems.push(...result.errors.map((e) => `grade.${e.field}: ${e.message}`));
      if (problems.length > 0 || !result.ok) {
        metrics.records.inc({ outcome: 'invalid' });
        done(grpc.status.INVALID_ARGUMENT, { code: grpc.status.INVALID_ARGUMENT, details: problems.join('; ') });
        return;
      }
      // The caller's deadline bounds the store call too: nothing waits on MongoDB after the caller gave up.
      store
        .save({ id: req.id ?? '', runId: req.run_id ?? '', grade: result.grade, instance: req.instance ?? '' }, ROUTE, new Date(), deadlineOf(call))
        .then((saved) => {
          metrics.records.inc({ outcome: saved.replayed ? 'replayed' : 'created' });
          done(grpc.status.OK, null, { id: saved.id, received_at: saved.receivedAt, route: saved.route, replayed: saved.replayed });
        })
        .catch((err: unknown) => {
          if (err instanceof ConflictError) {
            metrics.records.inc({ outcome: 'conflict' });
            done(grpc.status.ALREADY_EXISTS, { code: grpc.status.ALREADY_EXISTS, details: err.message });
          } else if (err instanceof DeadlineError) {
            metrics.records.inc({ outcome: 'timeout' });
            logger.warn('store did not answer in time', { id: req.id, err });
            done(grpc.status.DEADLINE_EXCEEDED, { code: grpc.status.DEADLINE_EXCEEDED, details: err.message });
          } else if (err instanceof UnavailableError) {
            metrics.records.inc({ outcome: 'unavailable' });
            logger.warn('store unavailable', { id: req.id, err });
            done(grpc.status.UNAVAILABLE, { code: grpc.status.UNAVAILABLE, details: err.message });
          } else {
            metrics.records.inc({ outcome: 'error' });
            logger.error('store failed', { id: req.id, err });
            done(grpc.status.INTERNAL, { code: grpc.status.INTERNAL, details: 'internal error; the record was not stored' });
          }
        });
    },
  };
}
