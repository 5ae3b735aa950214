/**
 * The gRPC upstream of route A: one long-lived channel per process (HTTP/2 multiplexes every call
 * over it), a deadline on every call, and gRPC statuses mapped to the write errors the REST layer
 * turns into HTTP statuses.
 */
import * as grpc from '@grpc/grpc-js';
import type { WriteRequest, WriteResult } from '../contract/record.js';
import { loadProtos } from '../proto/load.js';
import type { GradeServiceClient } from '../proto/generated/grades/v1/GradeService.js';
import type { HealthClient } from '../proto/generated/grpc/health/v1/Health.js';
import type { SubmitGradeResponse__Output } from '../proto/generated/grades/v1/SubmitGradeResponse.js';
import { ConflictError, DeadlineError, InvalidRecordError, UnavailableError } from '../service-kit/errors.js';
import type { ServiceMetrics } from '../service-kit/metrics.js';
import { GRADE_SERVICE_NAME } from '../contract/services.js';


/** Maps a failed call's status to what the REST layer answers; exported for the table test. */
export function errorFromStatus(err: grpc.ServiceError): Error {
  switch (err.code) {
    case grpc.status.INVALID_ARGUMENT:
      return new InvalidRecordError(`grpc-server rejected the record: ${err.details}`);
    case grpc.status.ALREADY_EXISTS:
      return new ConflictError(err.details);
    case grpc.status.DEADLINE_EXCEEDED:
      return new DeadlineError(`grpc-server did not answer in time: ${err.details}`);
    case grpc.status.INTERNAL:
      // The transport's INTERNAL: the HTTP/2 stream was reset mid-call (a connection reset or closed
      // under it, seen when a network fault healed). The call may have reached grpc-server: 504, retry.
      if (/RST_STREAM|Session closed|Connection dropped/i.test(err.details)) return new DeadlineError(`connection to grpc-server lost mid-call: ${err.details}`);
      return new Error(`grpc-server failed (INTERNAL): ${err.details}`);
    case grpc.status.UNAVAILABLE:
    case grpc.status.RESOURCE_EXHAUSTED:
    case grpc.status.ABORTED:
    case grpc.status.CANCELLED:
      return new UnavailableError(`grpc-server unavailable (${grpc.status[err.code]}): ${err.details}`);
    default:
      return new Error(`grpc-server failed (${grpc.status[err.code]}): ${err.details}`);
  }
}

/**
 * One address: a plain target (in the cluster a Service, and Linkerd's proxy balances each call). Several
 * (the local stack's replicas, on fixed ports, up or not): a static list with round_robin, which spreads
 * calls over the connections that are READY and keeps reconnecting to the others, so a replica that
 * starts later joins by itself and one that stops drops out.
 */
export function channelTarget(addrs: string[]): { target: string; options: grpc.ChannelOptions } {
  if (addrs.length === 1) return { target: addrs[0]!, options: {} };
  return {
    target: `ipv4:${addrs.join(',')}`,
    options: { 'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }), 'grpc.initial_reconnect_backoff_ms': 250 },
  };
}

export class GradeUpstream {
  private readonly client: GradeServiceClient;
  private readonly health: HealthClient;

  constructor(
    addrs: string[],
    private readonly deadlineMs: number,
    private readonly metrics: ServiceMetrics,
  ) {
    const protos = loadProtos();
    const { target, options } = channelTarget(addrs);
    this.client = new protos.grades.grades.v1.GradeService(target, grpc.credentials.createInsecure(), {
      // Keepalive pings find a dead connection between calls instead of on the next request.
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 5_000,
      'grpc.max_reconnect_backoff_ms': 2_000,
      ...options,
    });
    // The health client shares the channel, so readiness reflects the connection writes use.
    this.health = new protos.health.grpc.health.v1.Health(target, grpc.credentials.createInsecure(), {
      channelOverride: this.client.getChannel(),
    });
  }

  submit(req: WriteRequest, requestDeadline: number): Promise<WriteResult> {
    const deadline = Math.min(requestDeadline, Date.now() + this.deadlineMs);
    const start = process.hrtime.bigint();
    return new Promise((resolve, reject) => {
      this.client.SubmitGrade(
        { id: req.id, run_id: req.runId, grade: req.grade, instance: req.instance },
        { deadline },
        (err: grpc.ServiceError | null, res?: SubmitGradeResponse__Output) => {
          const code = err ? grpc.status[err.code] : 'OK';
          this.metrics.grpcClientDuration.observe({ method: 'SubmitGrade', code: code ?? 'UNKNOWN' }, Number(process.hrtime.bigint() - start) / 1e9);
          if (err) return reject(errorFromStatus(err));
          if (!res?.id || !res.received_at) return reject(new Error('grpc-server answered without id or received_at'));
          resolve({ id: res.id, route: res.route ?? 'grpc', receivedAt: res.received_at, replayed: res.replayed ?? false });
        },
      );
    });
  }

  /** Problems with the upstream; empty when grpc-server reports SERVING. */
  ready(timeoutMs = 1000): Promise<string[]> {
    return new Promise((resolve) => {
      this.health.Check({ service: GRADE_SERVICE_NAME }, { deadline: Date.now() + timeoutMs }, (err, res) => {
        if (err) resolve([`grpc-server health check failed: ${grpc.status[err.code]} ${err.details}`]);
        else if (res?.status !== 'SERVING') resolve([`grpc-server reports ${res?.status ?? 'no status'}`]);
        else resolve([]);
      });
    });
  }

  close(): void {
    this.client.close();
  }
}
