/**
 * The few calls of Prometheus's HTTP API (/api/v1) a run makes: instant and range queries, the parser's
 * syntax tree of a query, label values, the scrape targets and the build. Plain fetch: every answer is
 * {"status": "success", "data": ...} or {"status": "error", "errorType", "error"}, and the calls are
 * five GETs and POSTs. Every failure is an Error naming the call.
 */

/** One series of a query's answer: its labels and its samples [unix seconds, value as a string]. */
export interface PromSeries {
  metric: Record<string, string>;
  values?: [number, string][];
  value?: [number, string];
}

export interface PromQueryResult {
  resultType: 'matrix' | 'vector' | 'scalar' | 'string';
  result: PromSeries[];
  warnings: string[];
}

export interface PromTarget {
  labels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

/** A node of the syntax tree /api/v1/parse_query returns (web/api/v1/translate_ast.go). */
export type AstNode = { type: string; name?: string; [k: string]: unknown };

export class PrometheusApiError extends Error {
  override name = 'PrometheusApiError';
}

export class PrometheusApi {
  constructor(
    readonly url: string,
    private readonly timeoutMs = 10_000,
  ) {}

  private async call<T>(path: string, params: Record<string, string>, what: string): Promise<{ data: T; warnings: string[] }> {
    let res: Response;
    try {
      // POST with a form body: a query's text can be longer than a URL should be.
      res = await fetch(this.url + path, { method: 'POST', body: new URLSearchParams(params), signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
      throw new PrometheusApiError(`prometheus: ${what} failed: POST ${this.url}${path}: ${cause}`, { cause: err });
    }
    const text = await res.text();
    let body: { status?: string; data?: T; error?: string; errorType?: string; warnings?: string[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new PrometheusApiError(`prometheus: ${what} failed: ${path} answered ${res.status}, not JSON: ${text.slice(0, 200)}`);
    }
    if (body.status !== 'success' || body.data === undefined) throw new PrometheusApiError(`prometheus: ${what} failed: ${path} answered ${res.status} ${body.errorType ?? ''}: ${body.error ?? text.slice(0, 200)}`);
    return { data: body.data, warnings: body.warnings ?? [] };
  }

  /** An instant query at `time` (unix seconds). */
  async query(expr: string, time: number): Promise<PromQueryResult> {
    const { data, warnings } = await this.call<Omit<PromQueryResult, 'warnings'>>('/api/v1/query', { query: expr, time: String(time) }, `query ${expr}`);
    return { ...data, warnings };
  }

  /** A range query from `start` to `end` (unix seconds) every `step` seconds: a matrix. */
  async queryRange(expr: string, start: number, end: number, step: number): Promise<PromQueryResult> {
    const { data, warnings } = await this.call<Omit<PromQueryResult, 'warnings'>>('/api/v1/query_range', { query: expr, start: String(start), end: String(end), step: String(step) }, `query_range ${expr}`);
    return { ...data, warnings };
  }

  /** The syntax tree of a query, from Prometheus's own parser (an error for a query it cannot parse). */
  async parse(expr: string): Promise<AstNode> {
    return (await this.call<AstNode>('/api/v1/parse_query', { query: expr }, `parsing ${expr}`)).data;
  }

  /** Every value of a label now in the TSDB (`__name__`: every metric name). */
  async labelValues(label: string): Promise<string[]> {
    const res = await fetch(`${this.url}/api/v1/label/${encodeURIComponent(label)}/values`, { signal: AbortSignal.timeout(this.timeoutMs) }).catch((err: Error) => {
      throw new PrometheusApiError(`prometheus: reading the values of ${label} failed: ${err.message}`, { cause: err });
    });
    const body = (await res.json()) as { status?: string; data?: string[]; error?: string };
    if (body.status !== 'success' || !Array.isArray(body.data)) throw new PrometheusApiError(`prometheus: reading the values of ${label} failed: ${res.status} ${body.error ?? ''}`);
    return body.data;
  }

  /** The active scrape targets and how their last scrape went. */
  async targets(): Promise<PromTarget[]> {
    const res = await fetch(`${this.url}/api/v1/targets?state=active`, { signal: AbortSignal.timeout(this.timeoutMs) });
    const body = (await res.json()) as { status?: string; data?: { activeTargets: PromTarget[] } };
    if (body.status !== 'success' || body.data === undefined) throw new PrometheusApiError(`prometheus: listing the targets failed: ${res.status}`);
    return body.data.activeTargets;
  }

  /** The server's version, from /api/v1/status/buildinfo. */
  async version(): Promise<string> {
    const res = await fetch(`${this.url}/api/v1/status/buildinfo`, { signal: AbortSignal.timeout(this.timeoutMs) });
    const body = (await res.json()) as { status?: string; data?: { version?: string } };
    if (body.status !== 'success' || typeof body.data?.version !== 'string') throw new PrometheusApiError(`prometheus: reading the build info failed: ${res.status}`);
    return body.data.version;
  }
}

/** The metric names a query's selectors read, from the parser's syntax tree (a selector without a name matches on __name__). */
export function selectorNames(node: unknown): string[] {
  const names = new Set<string>();
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (n === null || typeof n !== 'object') return;
    const o = n as AstNode;
    if (o.type === 'vectorSelector' || o.type === 'matrixSelector') {
      const byMatcher = (o.matchers as { name: string; value: string; type: string }[] | undefined)?.find((m) => m.name === '__name__' && m.type === '=')?.value;
      const name = o.name || byMatcher;
      if (name) names.add(name);
    }
    for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
  };
  walk(node);
  return [...names];
}
