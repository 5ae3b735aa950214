/**
 * splitbench's k6 script: POSTs grade records from the generator's pool to BASE_URL/course at the
 * rate of one named profile (profiles.ts), measures each write path apart by the X-Route header the
 * answer carries, and leaves what the reconciler needs: one `splitbench.ack` log line per
 * acknowledged write (contract/ack-line.ts) and summary.json (contract/k6-summary.ts).
 * Settings and the reasons behind them: README.md.
 *
 *   k6 run loadtest/main.ts                                   # load: 200 req/s for 30 s
 *   SCENARIO=stress RATE=1500 k6 run loadtest/main.ts
 *
 * This file wires; settings.ts, pool.ts, metrics.ts, thresholds.ts, post-course.ts and summary*.ts do the work.
 */
import { SharedArray } from 'k6/data';
import exec from 'k6/execution';
import http from 'k6/http';
import type { Options } from 'k6/options';
import { IDEMPOTENCY_KEY_PATTERN, READYZ_PATH } from '../contract/http.ts';
import { formatSummaryLine } from '../contract/k6-summary.ts';
import { parsePool } from './pool.ts';
import { postCourse as makePostCourse } from './post-course.ts';
import { selectProfile } from './profiles.ts';
import { loadSettings } from './settings.ts';
import { textSummary } from './summary-text.ts';
import { buildThresholds } from './thresholds.ts';
import { buildSummary, type SetupData, type SummaryData } from './summary.ts';

const READY_TIMEOUT = '5s';

const settings = loadSettings(__ENV);
const profile = selectProfile(__ENV, 'postCourse');

/** Records pre-serialised once and shared by every VU: no copy per VU. */
const pool = new SharedArray('grade pool', () => parsePool(settings.data, (p) => open(p)));

export const options: Options = {
  scenarios: { [profile.name]: profile.scenario },
  thresholds: buildThresholds(settings),
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'],
  setupTimeout: '30s',
  userAgent: 'splitbench-k6',
};

function generatedRunId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const suffix = Math.floor(Math.random() * 0x10000)
    .toString(16)
    .padStart(4, '0');
  return `k6-${stamp}-${suffix}`;
}

/** Fails fast, before any write, when the target is not ready. */
export function setup(): SetupData {
  const url = `${settings.baseUrl}${READYZ_PATH}`;
  const res = http.get(url, { timeout: READY_TIMEOUT, tags: { name: `GET ${READYZ_PATH}` } });
  if (res.status !== 200) {
    const why = res.status === 0 ? res.error : `HTTP ${res.status}: ${String(res.body ?? '').slice(0, 200)}`;
    exec.test.abort(
      `${url} is not ready (${why}). Start the stack first (npm run stack -- --port 8080) or point BASE_URL at a running one.`,
    );
  }
  // Generated here, not at init: init code runs once per VU, and every VU must share one run id.
  const runId = settings.runId ?? generatedRunId(new Date());
  const sampleKey = `${runId}-${profile.maxVUs}-${Number.MAX_SAFE_INTEGER}`;
  if (!IDEMPOTENCY_KEY_PATTERN.test(sampleKey)) exec.test.abort(`RUN_ID ${runId} makes Idempotency-Keys the contract refuses`);
  return { runId, startedAt: new Date().toISOString(), poolSize: pool.length };
}

export const postCourse = makePostCourse(settings, pool);

/**
 * Writes summary.json (SUMMARY) and prints a table. k6 prints its own text summary only when
 * handleSummary is absent, and its textSummary helper is a jslib download this offline machine
 * cannot make, hence our own.
 */
export function handleSummary(data: SummaryData): Record<string, string> {
  if (data.metrics === undefined || data.state === undefined) {
    return { stdout: 'handleSummary: unexpected summary data (K6_NEW_MACHINE_READABLE_SUMMARY set?); no summary.json written\n' };
  }
  const summary = buildSummary(data, settings, profile);
  const line = settings.summaryLog ? `${formatSummaryLine(summary)}\n` : '';
  return { stdout: `${textSummary(summary, profile.what)}  summary: ${settings.summary}\n\n${line}`, [settings.summary]: `${JSON.stringify(summary, null, 2)}\n` };
}
