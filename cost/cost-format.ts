/** Text for people about a run's cost figures, made at the edge; nothing is parsed back. */
import type { CostRate } from './cost.js';

/** "K replicas" when every replicated service ran with K, else each service's count. */
function replicasText(replicas: CostRate['replicas']): string {
  const counts = Object.values(replicas);
  if (counts.length === 0) return 'no replicated service';
  if (counts.every((n) => n === counts[0])) return `${counts[0]} replica${counts[0] === 1 ? '' : 's'} of each service`;
  return `replicas ${Object.entries(replicas).map(([s, n]) => `${s} ${n}`).join(', ')}`;
}

/**
 * Where a run's CPU-per-request figures hold: "at 412.3 req/s achieved, 1 replica of each service". A
 * figure at one rate is not a figure at another (CPU per request falls as the rate per replica rises).
 */
export function describeCostRate(rate: CostRate): string {
  const rps = rate.achievedRps === null ? 'no requests' : `${rate.achievedRps.toFixed(1)} req/s achieved`;
  return `at ${rps} (acknowledged, over ${rate.windowS.toFixed(0)} s), ${replicasText(rate.replicas)}`;
}
