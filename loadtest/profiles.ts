/**
 * Named load profiles, one of which a run selects with SCENARIO. Pure: reads only the env record it
 * is given, so k6 (main.ts) and the Node tests (loadtest.test.ts) share it.
 *
 * Every profile is an open model (arrival-rate executors): when comparing two write paths the
 * offered rate must not bend to the system, or a slow path would simply be sent less work. When the
 * system falls behind, k6 cannot start iterations on time and counts them in `dropped_iterations`.
 *
 * Defaults suit a 2-core machine that also runs the stack and k6 itself (docs/architecture.md has
 * the measured ceilings); raise RATE and MAX_VUS on bigger hardware.
 */
import type { Scenario } from 'k6/options';
import { DEFAULT_PROFILE, PROFILE_ALIASES, PROFILE_NAMES, SCENARIO_OVERRIDES, type ProfileName } from '../contract/load-profiles.ts';

export { PROFILE_NAMES, type ProfileName } from '../contract/load-profiles.ts';

interface Defaults {
  /** Requests per second (peak for stress and spike). */
  rate: number;
  durationS: number;
  preAllocatedVUs: number;
  maxVUs: number;
  what: string;
}

export const PROFILE_DEFAULTS: Readonly<Record<ProfileName, Defaults>> = {
  smoke: { rate: 5, durationS: 10, preAllocatedVUs: 2, maxVUs: 10, what: 'a few requests to see the chain works' },
  load: { rate: 200, durationS: 30, preAllocatedVUs: 10, maxVUs: 100, what: 'a steady rate the stack should hold' },
  stress: { rate: 1000, durationS: 60, preAllocatedVUs: 50, maxVUs: 250, what: 'four steps up to RATE, to see where latency bends' },
  spike: { rate: 1000, durationS: 40, preAllocatedVUs: 50, maxVUs: 250, what: 'START_RATE, a sudden jump to RATE, then back' },
  soak: { rate: 100, durationS: 600, preAllocatedVUs: 10, maxVUs: 100, what: 'a modest rate for a long time (leaks, growth)' },
};

/**
 * A long iteration (a request up to its timeout) may finish after the scenario's end; an iteration
 * cut off mid-request could still land a write k6 never saw acknowledged.
 */
export const GRACEFUL_STOP = '15s';


export type Env = Readonly<Record<string, string | undefined>>;

export interface Profile {
  name: ProfileName;
  what: string;
  rate: number;
  /** Base rate of stress (where it starts) and spike (before and after the jump). */
  startRate: number;
  durationS: number;
  preAllocatedVUs: number;
  maxVUs: number;
  scenario: Scenario;
}

/** A bad setting: the message names the variable and what would be accepted. */
export class SettingError extends Error {
  override name = 'SettingError';
}

function set(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

export function positiveInteger(env: Env, name: string, fallback: number): number {
  const raw = set(env, name);
  if (raw === undefined) return fallback;
  if (!/^[0-9]+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    throw new SettingError(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}

export function positiveNumber(env: Env, name: string, fallback: number): number {
  const raw = set(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^[0-9]*\.?[0-9]+$/.test(raw) || !(value > 0)) {
    throw new SettingError(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** k6-style durations: `90`, `90s`, `2m`, `1m30s`, `1h`. Whole seconds, at least one. */
export function parseDuration(raw: string): number | undefined {
  const match = /^(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s?)?$/.exec(raw);
  if (!match || raw === '') return undefined;
  const [, h = '0', m = '0', s = '0'] = match;
  const seconds = Number(h) * 3600 + Number(m) * 60 + Number(s);
  return seconds >= 1 ? seconds : undefined;
}

function durationSetting(env: Env, name: string, fallback: number): number {
  const raw = set(env, name);
  if (raw === undefined) return fallback;
  const seconds = parseDuration(raw);
  if (seconds === undefined) {
    throw new SettingError(`${name} must be a duration of at least 1s such as 30s, 5m or 1h30m, got ${JSON.stringify(raw)}`);
  }
  return seconds;
}

const s = (seconds: number): string => `${Math.max(1, Math.round(seconds))}s`;

export function profileName(env: Env): ProfileName {
  const raw = set(env, 'SCENARIO') ?? DEFAULT_PROFILE;
  const name = PROFILE_ALIASES[raw] ?? raw;
  if (!(PROFILE_NAMES as readonly string[]).includes(name)) {
    const aliases = Object.entries(PROFILE_ALIASES).map(([alias, to]) => `${alias} (= ${to})`);
    throw new SettingError(`SCENARIO must be one of ${[...PROFILE_NAMES, ...aliases].join(', ')}; got ${JSON.stringify(raw)}`);
  }
  return name as ProfileName;
}

/**
 * The profile SCENARIO names, with RATE, START_RATE, DURATION, PRE_ALLOCATED_VUS and MAX_VUS applied.
 * `exec` is the exported function the scenario runs.
 */
export function selectProfile(env: Env, exec: string): Profile {
  for (const name of SCENARIO_OVERRIDES) {
    if (set(env, name) !== undefined) {
      throw new SettingError(`${name} is set: it would replace the scenarios. Unset it; use RATE, DURATION, PRE_ALLOCATED_VUS and MAX_VUS`);
    }
  }
  const name = profileName(env);
  const d = PROFILE_DEFAULTS[name];
  const rate = positiveInteger(env, 'RATE', d.rate);
  const startRate = positiveInteger(env, 'START_RATE', Math.max(1, Math.round(rate / 10)));
  const durationS = durationSetting(env, 'DURATION', d.durationS);
  const preAllocatedVUs = positiveInteger(env, 'PRE_ALLOCATED_VUS', d.preAllocatedVUs);
  const maxVUs = positiveInteger(env, 'MAX_VUS', Math.max(d.maxVUs, preAllocatedVUs));
  if (maxVUs < preAllocatedVUs) {
    throw new SettingError(`MAX_VUS (${maxVUs}) must be at least PRE_ALLOCATED_VUS (${preAllocatedVUs})`);
  }
  const common = { exec, preAllocatedVUs, maxVUs, timeUnit: '1s', gracefulStop: GRACEFUL_STOP };

  let scenario: Scenario;
  switch (name) {
    case 'smoke':
    case 'load':
    case 'soak':
      scenario = { executor: 'constant-arrival-rate', rate, duration: s(durationS), ...common };
      break;
    case 'stress': {
      // Four equal steps from START_RATE to RATE, each a short ramp then a hold: the summary and the
      // dashboard then show the step at which p99 or the error rate gives way.
      const stages = [];
      for (let step = 1; step <= 4; step++) {
        const target = Math.round(startRate + ((rate - startRate) * step) / 4);
        stages.push({ duration: s(durationS * 0.05), target }, { duration: s(durationS * 0.2), target });
      }
      scenario = { executor: 'ramping-arrival-rate', startRate, stages, ...common };
      break;
    }
    case 'spike':
      // Quiet, a jump to RATE within about a second, a short hold, back to quiet: does the stack
      // recover, and how many requests fail while it does?
      scenario = {
        executor: 'ramping-arrival-rate',
        startRate,
        stages: [
          { duration: s(durationS * 0.4), target: startRate },
          { duration: '1s', target: rate },
          { duration: s(durationS * 0.15), target: rate },
          { duration: '1s', target: startRate },
          { duration: s(durationS * 0.45 - 2), target: startRate },
        ],
        ...common,
      };
      break;
  }
  return { name, what: d.what, rate, startRate, durationS, preAllocatedVUs, maxVUs, scenario };
}
