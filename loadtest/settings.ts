/**
 * The k6 script's settings, read once from the environment (k6's __ENV) and checked: a bad value stops
 * the run at init with a message naming the variable. Pure: reads only the record it is given.
 */
import { RUN_ID_PATTERN } from '../contract/http.ts';
import { LOADTEST_ENV as E, THRESHOLD_SETTINGS, THRESHOLDS_OFF, THRESHOLDS_ON } from '../contract/load-profiles.ts';
import { ROUTES } from '../contract/routes.ts';
import { SettingError, positiveNumber, type Env } from './profiles.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.ts';

export interface Settings {
  baseUrl: string;
  /** Fixed by the caller, else generated in setup(). */
  runId: string | undefined;
  /** Routes expected to answer; each gets its own thresholds. */
  routes: string[];
  data: string;
  summary: string;
  /** What k6 judges the run by; null with THRESHOLDS=off (it judges nothing: the caller does). */
  thresholds: Thresholds | null;
  ackLog: boolean;
  retry: RetryPolicy;
  /** Print summary.json as one log line too (SUMMARY_LOG=1; the in-cluster runners). */
  summaryLog: boolean;
}

export interface Thresholds {
  maxErrorRate: number;
  p95Ms: number;
  p99Ms: number;
}

function text(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? fallback : value;
}

function fraction(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^[0-9.]+$/.test(raw) || !(value >= 0 && value <= 1)) {
    throw new SettingError(`${name} must be a number from 0 to 1 (0.01 = 1%), got ${JSON.stringify(raw)}`);
  }
  return value;
}

function routeList(env: Env): string[] {
  const routes = text(env, E.ROUTES, ROUTES.join(','))
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  for (const route of routes) {
    if (!(ROUTES as readonly string[]).includes(route)) {
      throw new SettingError(`${E.ROUTES} must list some of ${ROUTES.join(', ')} (comma-separated), got ${JSON.stringify(route)}`);
    }
  }
  if (routes.length === 0) throw new SettingError(`${E.ROUTES} must name at least one of ${ROUTES.join(', ')}`);
  return routes;
}

function retries(env: Env): number {
  const raw = text(env, E.RETRIES, String(DEFAULT_RETRY_POLICY.retries));
  if (!/^[0-9]+$/.test(raw) || Number(raw) > 10) throw new SettingError(`${E.RETRIES} must be an integer from 0 to 10, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

function thresholds(env: Env): Thresholds | null {
  const mode = text(env, E.THRESHOLDS, THRESHOLDS_ON);
  if (mode === THRESHOLDS_OFF) {
    const given = THRESHOLD_SETTINGS.filter((name) => (env[name]?.trim() ?? '') !== '');
    if (given.length > 0) throw new SettingError(`${E.THRESHOLDS}=${THRESHOLDS_OFF} declares no thresholds, so ${given.join(', ')} would be ignored: give one or the other`);
    return null;
  }
  if (mode !== THRESHOLDS_ON) throw new SettingError(`${E.THRESHOLDS} must be ${THRESHOLDS_ON} or ${THRESHOLDS_OFF}, got ${JSON.stringify(mode)}`);
  return { maxErrorRate: fraction(env, E.MAX_ERROR_RATE, 0.01), p95Ms: positiveNumber(env, E.P95_MS, 50), p99Ms: positiveNumber(env, E.P99_MS, 100) };
}

export function loadSettings(env: Env): Settings {
  const baseUrl = text(env, E.BASE_URL, 'http://127.0.0.1:8080').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+/.test(baseUrl)) {
    throw new SettingError(`${E.BASE_URL} must be an http:// or https:// URL such as http://127.0.0.1:8080, got ${JSON.stringify(baseUrl)}`);
  }
  const runId = env[E.RUN_ID]?.trim() || undefined;
  if (runId !== undefined && !RUN_ID_PATTERN.test(runId)) {
    throw new SettingError(`${E.RUN_ID} must match ${RUN_ID_PATTERN} (it tags every record), got ${JSON.stringify(runId)}`);
  }
  const ackLog = text(env, E.ACK_LOG, '1');
  if (ackLog !== '0' && ackLog !== '1') throw new SettingError(`${E.ACK_LOG} must be 1 (log acknowledged ids) or 0, got ${JSON.stringify(ackLog)}`);
  return {
    baseUrl,
    runId,
    routes: routeList(env),
    data: text(env, E.DATA, '../data/pool.json'),
    summary: text(env, E.SUMMARY, 'summary.json'),
    thresholds: thresholds(env),
    ackLog: ackLog === '1',
    retry: { ...DEFAULT_RETRY_POLICY, retries: retries(env) },
    summaryLog: text(env, E.SUMMARY_LOG, '0') === '1',
  };
}
