/**
 * Picks a backend per request with probability proportional to its weight, as Linkerd's proxy does
 * for HTTPRoute backendRefs (an independent random choice per request, not round-robin). Random is
 * what makes the binomial split test meaningful: round-robin would always look perfect.
 */
export interface Weighted<T> {
  value: T;
  weight: number;
}

export function weightedPicker<T>(items: Weighted<T>[], random: () => number = Math.random): () => T {
  const live = items.filter((i) => i.weight > 0);
  if (live.length === 0) throw new Error('no backend has a weight above 0');
  const total = live.reduce((s, i) => s + i.weight, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const i of live) cumulative.push((acc += i.weight));
  return () => {
    const r = random() * total;
    for (let k = 0; k < cumulative.length; k++) if (r < cumulative[k]!) return live[k]!.value;
    return live[live.length - 1]!.value;
  };
}
