/** The report's sections, in page order. A new kind of run data: a new file here and one line below. */
import type { AnySection } from '../section.js';
import capacity from './capacity.js';
import cost from './cost.js';
import costCurve from './cost-curve.js';
import faults from './faults.js';
import files from './files.js';
import latency from './latency.js';
import prometheus from './prometheus.js';
import reconciliation from './reconciliation.js';
import replicas from './replicas.js';
import split from './split.js';
import sweep from './sweep.js';
import throughput from './throughput.js';
import verdict from './verdict.js';

export const SECTIONS: readonly AnySection[] = [verdict, latency, prometheus, throughput, split, reconciliation, faults, replicas, cost, capacity, costCurve, sweep, files];
