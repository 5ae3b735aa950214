/**
 * The standard grpc.health.v1 service, with statuses we set from real readiness (MongoDB pings),
 * not a constant SERVING. Kubernetes gRPC probes and grpc-client's readiness ask it.
 */
import * as grpc from '@grpc/grpc-js';
import type { HealthHandlers } from '../proto/generated/grpc/health/v1/Health.js';
import type { HealthCheckResponse } from '../proto/generated/grpc/health/v1/HealthCheckResponse.js';

export type ServingStatus = 'SERVING' | 'NOT_SERVING';

export class HealthService {
  private readonly statuses = new Map<string, ServingStatus>();
  private readonly watchers = new Map<string, Set<((status: ServingStatus) => void) & { end(): void }>>();

  constructor(services: string[], initial: ServingStatus = 'NOT_SERVING') {
    // '' is the whole server, as the protocol defines.
    for (const name of ['', ...services]) this.statuses.set(name, initial);
  }

  /** Sets every service's status at once (they all depend on the same store). */
  setAll(status: ServingStatus): void {
    for (const name of this.statuses.keys()) {
      if (this.statuses.get(name) === status) continue;
      this.statuses.set(name, status);
      for (const notify of this.watchers.get(name) ?? []) notify(status);
    }
  }

  get(service = ''): ServingStatus | undefined {
    return this.statuses.get(service);
  }

  handlers(): HealthHandlers {
    return {
      Check: (call, callback) => {
        const status = this.statuses.get(call.request.service ?? '');
        if (status === undefined) {
          callback({ code: grpc.status.NOT_FOUND, details: `unknown service ${JSON.stringify(call.request.service)}` });
          return;
        }
        callback(null, { status });
      },
      Watch: (call) => {
        const name = call.request.service ?? '';
        const send = (status: HealthCheckResponse['status']): void => {
          call.write({ status });
        };
        send(this.statuses.get(name) ?? 'SERVICE_UNKNOWN');
        const listeners = this.watchers.get(name) ?? new Set();
        this.watchers.set(name, listeners);
        const listener = Object.assign((s: ServingStatus): void => send(s), { end: () => call.end() });
        listeners.add(listener);
        call.on('cancelled', () => listeners.delete(listener));
        call.on('close', () => listeners.delete(listener));
      },
    };
  }

  /** Ends every open Watch stream (at shutdown, so tryShutdown does not wait for them). */
  endWatches(): void {
    for (const listeners of this.watchers.values()) for (const l of listeners) l.end();
    this.watchers.clear();
  }
}
