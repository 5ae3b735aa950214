/**
 * Toxiproxy (github.com/Shopify/toxiproxy, v2.12.0, built by `npm run tools` from tools/toxiproxy into
 * .tools/bin/toxiproxy-server): a TCP proxy placed on the link between two local processes, whose
 * HTTP API adds and removes faults ("toxics") on that link while traffic flows. A fault plan uses it to
 * slow a link (latency), cut it (partition) or reset its connections (reset), then heal it.
 *
 * The client is plain fetch over the five JSON endpoints we use. No npm package is worth taking for
 * that: @testcontainers/toxiproxy runs Toxiproxy in Docker, which this project does without, and
 * toxiproxy-node-client (kept up, no dependencies) wraps the same calls one to one, leaving what
 * matters here (which toxic on which stream makes a partition or a reset) to us all the same.
 */
import { startProcess, waitUntil, type ManagedProcess } from './process.js';
import { freePort } from './ports.js';
import { findBinary, TOOLS_BIN } from './tools.js';

/** The network faults a fault plan can put on a proxied link; the client's methods of the same names. */
export const NETWORK_FAULTS = ['latency', 'partition', 'reset'] as const;
export type NetworkFault = (typeof NETWORK_FAULTS)[number];

type Stream = 'upstream' | 'downstream';

/** A toxic as the API lists it. */
export interface Toxic {
  name: string;
  type: string;
  stream: Stream;
  toxicity: number;
  attributes: Record<string, number>;
}

/** What the API says of a proxy (POST /proxies, GET /proxies/{name}). */
interface ProxyInfo {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: Toxic[];
}

/** Typed calls to a toxiproxy-server's HTTP API; every failure is an Error naming the call. */
export class ToxiproxyClient {
  constructor(
    /** The API's base URL, e.g. http://127.0.0.1:8474 */
    readonly url: string,
    private readonly timeoutMs = 5000,
  ) {}

  private async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, what: string, body?: unknown): Promise<T | undefined> {
    let res: Response;
    try {
      res = await fetch(this.url + path, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
      throw new Error(`toxiproxy: ${what} failed: ${method} ${this.url}${path}: ${cause}`, { cause: err });
    }
    const text = await res.text();
    if (!res.ok) {
      // The API answers errors as {"error": "...", "status": N}.
      let message = text.trim();
      try {
        message = (JSON.parse(text) as { error?: string }).error ?? message;
      } catch {
        // not JSON: the text as it is
      }
      throw new Error(`toxiproxy: ${what} failed: ${method} ${path} answered ${res.status}: ${message}`);
    }
    return text === '' ? undefined : (JSON.parse(text) as T);
  }

  /** The server's version (GET /version), e.g. "2.12.0". */
  async version(): Promise<string> {
    const v = await this.call<{ version: string }>('GET', '/version', 'reading the version');
    return v?.version ?? '';
  }

  /**
   * Creates and starts a proxy from 127.0.0.1:`listenPort` (a free port when absent) to `upstream`
   * (host:port); returns the address it listens on, host:port.
   */
  async createProxy(name: string, upstream: string, listenPort?: number): Promise<string> {
    const listen = `127.0.0.1:${listenPort ?? (await freePort())}`;
    const info = await this.call<ProxyInfo>('POST', '/proxies', `creating proxy ${name} (${listen} -> ${upstream})`, { name, listen, upstream, enabled: true });
    if (!info?.listen) throw new Error(`toxiproxy: creating proxy ${name} answered no listen address`);
    return info.listen;
  }

  /** Stops the proxy and closes its connections. */
  async deleteProxy(name: string): Promise<void> {
    await this.call('DELETE', `/proxies/${encodeURIComponent(name)}`, `deleting proxy ${name}`);
  }

  /** The proxy called `name`, to put faults on. */
  proxy(name: string): ToxiproxyLink {
    return new ToxiproxyLink(this, name);
  }

  /** The toxics on a proxy now. */
  async toxics(proxy: string): Promise<Toxic[]> {
    return (await this.call<Toxic[]>('GET', `/proxies/${encodeURIComponent(proxy)}/toxics`, `listing the toxics of proxy ${proxy}`)) ?? [];
  }

  async addToxic(proxy: string, toxic: Omit<Toxic, 'toxicity'> & { toxicity?: number }): Promise<void> {
    await this.call('POST', `/proxies/${encodeURIComponent(proxy)}/toxics`, `adding toxic ${toxic.name} (${toxic.type}, ${toxic.stream}) to proxy ${proxy}`, {
      toxicity: 1,
      ...toxic,
    });
  }

  async removeToxic(proxy: string, toxic: string): Promise<void> {
    await this.call('DELETE', `/proxies/${encodeURIComponent(proxy)}/toxics/${encodeURIComponent(toxic)}`, `removing toxic ${toxic} from proxy ${proxy}`);
  }
}

/**
 * The faults of one proxied link. Toxics act on the link's open connections as well as new ones. Each
 * fault is named after its kind and stream (partition_upstream, ...): the same fault twice on a link
 * is an error (409 toxic already exists); different faults stack.
 */
export class ToxiproxyLink {
  constructor(
    readonly client: ToxiproxyClient,
    readonly name: string,
  ) {}

  /**
   * Delays the link by `ms` ± `jitterMs` per round trip: one latency toxic on the downstream stream
   * (the answers; Toxiproxy's default stream). Not on both streams: a request and its answer would then
   * each wait, 2 × ms per round trip.
   */
  async latency(ms: number, jitterMs = 0): Promise<void> {
    await this.client.addToxic(this.name, { name: 'latency_downstream', type: 'latency', stream: 'downstream', attributes: { latency: ms, jitter: jitterMs } });
  }

  /**
   * Cuts the link: no data passes either way, and connections stay open, hanging, until heal()
   * (a timeout toxic with timeout 0 on both streams). New connections are still accepted by the proxy,
   * then hang too: a black hole, not a refused connection. Heal closes the connections that hung.
   */
  async partition(): Promise<void> {
    for (const stream of ['upstream', 'downstream'] as const) {
      await this.client.addToxic(this.name, { name: `partition_${stream}`, type: 'timeout', stream, attributes: { timeout: 0 } });
    }
  }

  /**
   * Resets the link's connections (TCP RST, "connection reset by peer"): a reset_peer toxic with
   * timeout 0 on both streams, so a connection is reset at the first data either side sends (an idle
   * connection is reset when it is next used).
   */
  async reset(): Promise<void> {
    for (const stream of ['upstream', 'downstream'] as const) {
      await this.client.addToxic(this.name, { name: `reset_${stream}`, type: 'reset_peer', stream, attributes: { timeout: 0 } });
    }
  }

  /** Puts the fault of that kind on the link (latency takes `latencyMs` and `jitterMs`). */
  async apply(fault: NetworkFault, opts: { latencyMs?: number; jitterMs?: number } = {}): Promise<void> {
    if (fault === 'latency') return this.latency(opts.latencyMs ?? 100, opts.jitterMs ?? 0);
    if (fault === 'partition') return this.partition();
    return this.reset();
  }

  /** Removes every toxic of this proxy (ours or anyone's). */
  async heal(): Promise<void> {
    for (const toxic of await this.client.toxics(this.name)) {
      await this.client.removeToxic(this.name, toxic.name).catch((err: Error) => {
        // Removed by someone else meanwhile: healed all the same.
        if (!/answered 404/.test(err.message)) throw err;
      });
    }
  }

  async toxics(): Promise<Toxic[]> {
    return this.client.toxics(this.name);
  }
}

export interface Toxiproxy {
  /** The API's base URL. */
  url: string;
  proc: ManagedProcess;
  client: ToxiproxyClient;
  stop(): Promise<void>;
}

export interface StartToxiproxyOptions {
  logFile?: string;
  /** The API's port; a free one when absent. */
  port?: number;
  /** Toxiproxy's LOG_LEVEL (zerolog): info logs each accepted connection; warn only problems. */
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
}

/** Starts toxiproxy-server with its API on 127.0.0.1 and waits until the API answers. */
export async function startToxiproxy(opts: StartToxiproxyOptions = {}): Promise<Toxiproxy> {
  // .tools/bin first: the build pinned in tools/toxiproxy, not whatever version PATH has.
  const bin = findBinary('toxiproxy-server', true);
  if (!bin) throw new Error(`toxiproxy-server not found in ${TOOLS_BIN} or on PATH: run 'npm run tools' to build it from tools/toxiproxy`);
  const port = opts.port ?? (await freePort());
  const proc = startProcess({
    name: 'toxiproxy',
    command: bin,
    args: ['-host', '127.0.0.1', '-port', String(port)],
    env: { ...process.env, LOG_LEVEL: opts.logLevel ?? 'info' },
    logFile: opts.logFile,
  });
  const url = `http://127.0.0.1:${port}`;
  const client = new ToxiproxyClient(url, 1000);
  await waitUntil(proc, async () => (await client.version()) !== '', 10_000, `answering GET /version on port ${port}`);
  return { url, proc, client: new ToxiproxyClient(url), stop: () => proc.stop(5000) };
}
