/**
 * Which local replica stands for which pod (stack/autoscaling.ts): a pod is bound to one ready replica,
 * oldest pod to the lowest free slot, and stays bound while both exist.
 */

/**
 * Updates `bindings` (pod -> slot) for one Deployment: drops the bindings of its pods or slots that are
 * gone (`slotPrefix` names its slots), then binds each unbound pod, oldest first, to a free ready slot.
 */
export function bindPods(bindings: Map<string, string>, slotPrefix: string, pods: readonly string[], readySlots: readonly string[]): void {
  const names = new Set(pods);
  for (const [pod, slot] of bindings) {
    if (slot.startsWith(slotPrefix) && (!names.has(pod) || !readySlots.includes(slot))) bindings.delete(pod);
  }
  const bound = new Set(bindings.values());
  for (const pod of pods) {
    if (bindings.has(pod)) continue;
    const free = readySlots.find((s) => !bound.has(s));
    if (free === undefined) break;
    bindings.set(pod, free);
    bound.add(free);
  }
}
