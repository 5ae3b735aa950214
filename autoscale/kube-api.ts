/**
 * The few Kubernetes API calls the autoscaled run makes every second or so (read Deployments, pods,
 * HPAs and events; patch a pod's annotations), over HTTPS with the client certificate of the
 * kubeconfig kwokctl wrote. Spawning kubectl for each would cost a process start every time, on the
 * same two cores the measured services run on; one kept-alive connection costs next to nothing.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { parse } from 'yaml';

interface Kubeconfig {
  'current-context'?: string;
  contexts?: { name: string; context: { cluster: string; user: string } }[];
  clusters?: { name: string; cluster: { server: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string } }[];
  users?: { name: string; user: { 'client-certificate-data'?: string; 'client-key-data'?: string; 'client-certificate'?: string; 'client-key'?: string } }[];
}

export class KubeApiError extends Error {
  override name = 'KubeApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const pem = (data: string | undefined, file: string | undefined, what: string): Buffer => {
  if (data !== undefined) return Buffer.from(data, 'base64');
  if (file !== undefined) return readFileSync(file);
  throw new Error(`kubeconfig: no ${what}`);
};

export class KubeApi {
  private constructor(
    private readonly server: URL,
    private readonly agent: https.Agent,
  ) {}

  /** The current context of a kubeconfig with a client certificate (what kwokctl writes). */
  static fromKubeconfig(file: string): KubeApi {
    const kc = parse(readFileSync(file, 'utf8')) as Kubeconfig;
    const ctx = kc.contexts?.find((c) => c.name === kc['current-context'])?.context;
    const cluster = kc.clusters?.find((c) => c.name === ctx?.cluster)?.cluster;
    const user = kc.users?.find((u) => u.name === ctx?.user)?.user;
    if (cluster === undefined || user === undefined) throw new Error(`${file}: no cluster or user for the current context`);
    const agent = new https.Agent({
      keepAlive: true,
      maxSockets: 4,
      ca: pem(cluster['certificate-authority-data'], cluster['certificate-authority'], 'certificate authority'),
      cert: pem(user['client-certificate-data'], user['client-certificate'], 'client certificate'),
      key: pem(user['client-key-data'], user['client-key'], 'client key'),
    });
    return new KubeApi(new URL(cluster.server), agent);
  }

  private request<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = https.request(
        new URL(path, this.server),
        {
          method,
          agent: this.agent,
          headers: { accept: 'application/json', ...(payload === undefined ? {} : { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) }) },
          timeout: 10_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status < 200 || status >= 300) {
              // The API server answers errors as a Status object whose message says what was wrong.
              let message = text;
              try {
                message = (JSON.parse(text) as { message?: string }).message ?? text;
              } catch {
                // not JSON: keep the text
              }
              reject(new KubeApiError(status, `${method} ${path}: ${status} ${message}`));
              return;
            }
            try {
              resolve(JSON.parse(text) as T);
            } catch (err) {
              reject(err as Error);
            }
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 10 s`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  /** A JSON merge patch (RFC 7386): only the fields given change. */
  mergePatch<T>(path: string, patch: unknown): Promise<T> {
    return this.request<T>('PATCH', path, patch, 'application/merge-patch+json');
  }

  close(): void {
    this.agent.destroy();
  }
}
