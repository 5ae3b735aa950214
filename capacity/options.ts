/**
 * The capacity search's command-line flags (the SLO, the search's rates, trial length, precision and
 * trial bound): one definition that `npm run capacity` and `npm run sweep` both add to their commands,
 * and the one mapping from the parsed flags to SearchOptions.
 */
import { parse, type Command } from '../cli/options.js';
import { DEFAULT_SEARCH, searchOptions } from './search.js';
import type { SearchOptions } from './types.js';

/** The parsed values of the flags addSearchFlags defines (commander's camelCase names). */
export interface SearchFlags {
  startRate: number;
  maxRate: number;
  trial: number;
  precision: number;
  maxTrials: number;
  p99: number;
  maxErrorRate: number;
}

/** Adds the search and SLO flags to `program`, with the search's defaults (or `defaults` where given). */
export function addSearchFlags(program: Command, defaults: Partial<SearchFlags> = {}): Command {
  return program
    .option('--start-rate <n>', 'first rate tried, req/s', parse.positiveInt, defaults.startRate ?? DEFAULT_SEARCH.startRps)
    .option('--max-rate <n>', 'highest rate tried, req/s', parse.positiveInt, defaults.maxRate ?? DEFAULT_SEARCH.maxRps)
    .option('--trial <seconds>', 'length of each trial', parse.positiveInt, defaults.trial ?? DEFAULT_SEARCH.trialDurationS)
    .option('--precision <f>', 'stop when the bracket is within this fraction', parse.fraction, defaults.precision ?? DEFAULT_SEARCH.precision)
    .option('--max-trials <n>', 'trials per search at most', parse.positiveInt, defaults.maxTrials ?? DEFAULT_SEARCH.maxTrials)
    .option('--p99 <ms>', 'SLO: p99 below this, ms', parse.positive, defaults.p99 ?? DEFAULT_SEARCH.slo.p99BelowMs)
    .option('--max-error-rate <r>', 'SLO: errors at most this fraction', parse.fraction, defaults.maxErrorRate ?? DEFAULT_SEARCH.slo.maxErrorRate);
}

/** The search's options from the parsed flags (checked by searchOptions; it throws SearchOptionsError). */
export function searchOptionsOf(f: SearchFlags): SearchOptions {
  return searchOptions({
    startRps: f.startRate,
    maxRps: f.maxRate,
    minRps: Math.min(5, f.startRate),
    trialDurationS: f.trial,
    precision: f.precision,
    maxTrials: f.maxTrials,
    slo: { p99BelowMs: f.p99, maxErrorRate: f.maxErrorRate, maxDroppedIterations: 0 },
  });
}
