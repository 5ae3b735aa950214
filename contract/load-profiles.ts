/**
 * What a caller may ask of the k6 script in loadtest/: its load profiles and the environment variables
 * it reads. The demo, the capacity search and the in-cluster Job set these names; loadtest/ reads them.
 * (No imports: k6 loads this file as it is.)
 */

export const PROFILE_NAMES = ['smoke', 'load', 'stress', 'spike', 'soak'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** Other names for a profile: the in-cluster Job and grafana/quickpizza call the steady one "average". */
export const PROFILE_ALIASES: Readonly<Record<string, ProfileName>> = { average: 'load' };

export const DEFAULT_PROFILE: ProfileName = 'load';

/** A profile name or alias, as SCENARIO accepts it. */
export function isProfileName(name: string): boolean {
  return (PROFILE_NAMES as readonly string[]).includes(name) || name in PROFILE_ALIASES;
}

/** The environment variables the k6 script reads (k6 passes them as __ENV). */
export const LOADTEST_ENV = {
  BASE_URL: 'BASE_URL',
  RUN_ID: 'RUN_ID',
  /** Comma-separated routes expected to answer; each gets its own thresholds. */
  ROUTES: 'ROUTES',
  DATA: 'DATA',
  SUMMARY: 'SUMMARY',
  SCENARIO: 'SCENARIO',
  RATE: 'RATE',
  START_RATE: 'START_RATE',
  DURATION: 'DURATION',
  PRE_ALLOCATED_VUS: 'PRE_ALLOCATED_VUS',
  MAX_VUS: 'MAX_VUS',
  /**
   * THRESHOLDS_OFF: the script declares no thresholds (k6 judges nothing and exits 0 on their account)
   * and summary.json says so (thresholds: null); for callers that judge the run themselves. Default on.
   */
  THRESHOLDS: 'THRESHOLDS',
  MAX_ERROR_RATE: 'MAX_ERROR_RATE',
  P95_MS: 'P95_MS',
  P99_MS: 'P99_MS',
  ACK_LOG: 'ACK_LOG',
  /** Retries of a 503, 504 or unanswered attempt, with the same Idempotency-Key (default 3; 0: none). */
  RETRIES: 'RETRIES',
  /** 1: also print summary.json as one log line (in a pod, the file is gone when the pod is). */
  SUMMARY_LOG: 'SUMMARY_LOG',
} as const;

/** The values THRESHOLDS takes. */
export const THRESHOLDS_ON = 'on';
export const THRESHOLDS_OFF = 'off';

/** The thresholds' own settings: given with THRESHOLDS=off, they would be ignored, so the script refuses them. */
export const THRESHOLD_SETTINGS = [LOADTEST_ENV.MAX_ERROR_RATE, LOADTEST_ENV.P95_MS, LOADTEST_ENV.P99_MS] as const;

/** k6 settings that replace a script's scenarios: a run with any of them is not the profile it claims. */
export const SCENARIO_OVERRIDES = ['K6_VUS', 'K6_DURATION', 'K6_ITERATIONS', 'K6_STAGES'] as const;

/** Environment every k6 run here needs: an offline machine sends no usage report and downloads no extension. */
export const K6_OFFLINE_ENV = { K6_NO_USAGE_REPORT: 'true', K6_AUTO_EXTENSION_RESOLUTION: 'false' } as const;
