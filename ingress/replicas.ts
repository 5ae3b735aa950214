/**
 * The replicas behind one route: the local stack runs a service's replicas on fixed ports, up or not,
 * as a Service's endpoints come and go in the cluster. Readiness is polled (GET /readyz) as the
 * endpoints controller would, and each request goes to the next ready replica in turn. Linkerd
 * balances by latency (EWMA); round-robin over ready replicas is the simpler local stand-in.
 */
import http from 'node:http';
import { READYZ_PATH } from '../contract/http.js';

export interface Replica {
  url: string;
  agent: http.Agent;
  ready: boolean;
}

export class RouteReplicas {
  readonly replicas: Replica[];
  private turn = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    urls: string[],
    private readonly pollMs = 500,
  ) {
    if (urls.length === 0) throw new Error('a route needs at least one replica URL');
    // One keep-alive pool per replica; enough sockets for a few hundred concurrent k6 VUs.
    // Until the first poll answers, every replica counts as ready: a request finds out soon enough.
    this.replicas = urls.map((url) => ({ url, agent: new http.Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 256 }), ready: true }));
  }

  /** The next ready replica, round-robin; undefined when none is ready. */
  next(): Replica | undefined {
    for (let i = 0; i < this.replicas.length; i++) {
      const r = this.replicas[(this.turn + i) % this.replicas.length]!;
      if (r.ready) {
        this.turn = (this.turn + i + 1) % this.replicas.length;
        return r;
      }
    }
    return undefined;
  }

  /** Asks every replica's /readyz once; returns the statuses (or errors) by URL. */
  async poll(): Promise<Record<string, number | string>> {
    const out: Record<string, number | string> = {};
    await Promise.all(
      this.replicas.map(async (r) => {
        try {
          const res = await fetch(new URL(READYZ_PATH, r.url), { signal: AbortSignal.timeout(1000) });
          await res.arrayBuffer();
          out[r.url] = res.status;
          r.ready = res.status === 200;
        } catch (err) {
          out[r.url] = (err as Error).message;
          r.ready = false;
        }
      }),
    );
    return out;
  }

  start(): void {
    const loop = (): void => {
      void this.poll().finally(() => {
        if (this.timer !== undefined) this.timer = setTimeout(loop, this.pollMs).unref();
      });
    };
    this.timer = setTimeout(loop, 0).unref();
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const r of this.replicas) r.agent.destroy();
  }
}
