/**
 * The standard grpc.health.v1 service from grpc-health-check (the package grpc-node's own examples use),
 * with statuses set from real readiness (MongoDB pings), not a constant SERVING. Kubernetes gRPC probes
 * and grpc-client's readiness ask it.
 *
 * One thing the library cannot do: end open Watch streams. A Watch never ends by itself, so at shutdown
 * `tryShutdown` would wait for it until the grace period forces every call down. A server interceptor
 * (grpc-js's own API) keeps the open Watch calls and ends them with OK when the server drains.
 */
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';

export type ServingStatus = 'SERVING' | 'NOT_SERVING';

const WATCH_PATH = '/grpc.health.v1.Health/Watch';

export class ServerHealth {
  private readonly impl: HealthImplementation;
  private readonly names: string[];
  private status: ServingStatus;
  private readonly watches = new Set<grpc.ServerInterceptingCall>();

  /** `services` are the fully qualified names to report; '' (the whole server) is always included. */
  constructor(services: string[], initial: ServingStatus = 'NOT_SERVING') {
    this.names = ['', ...services];
    this.status = initial;
    this.impl = new HealthImplementation(Object.fromEntries(this.names.map((n) => [n, initial])));
  }

  addToServer(server: grpc.Server): void {
    this.impl.addToServer(server);
  }

  /** Sets every service's status at once (they all depend on the same store); watchers hear changes only. */
  setAll(status: ServingStatus): void {
    if (status === this.status) return;
    this.status = status;
    for (const name of this.names) this.impl.setStatus(name, status);
  }

  get(): ServingStatus {
    return this.status;
  }

  /** Pass to `new grpc.Server({ interceptors: [health.interceptor] })`. */
  readonly interceptor: grpc.ServerInterceptor = (method, call) => {
    if (method.path !== WATCH_PATH) return new grpc.ServerInterceptingCall(call);
    const watch: grpc.ServerInterceptingCall = new grpc.ServerInterceptingCall(call, {
      start: (next) => next({ onCancel: () => this.watches.delete(watch) }),
      sendStatus: (status, next) => {
        this.watches.delete(watch);
        next(status);
      },
    });
    this.watches.add(watch);
    return watch;
  };

  /** Ends every open Watch stream (at shutdown, so tryShutdown does not wait for them). */
  endWatches(): void {
    for (const watch of [...this.watches]) watch.sendStatus({ code: grpc.status.OK, details: 'server shutting down' });
    this.watches.clear();
  }
}
