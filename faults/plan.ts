/**
 * A fault plan: what to break, when, and how, during a measured run. Read from YAML:
 *
 *   faults:
 *     - { at: 8s, target: mongo, action: hang, duration: 3s }
 *     - { at: 20s, target: redis, action: kill }
 *     - { at: 30s, target: redis-writer->mongo, action: partition, duration: 3s }
 *     - { at: 45s, target: grpc-client->grpc-server, action: latency, duration: 5s, latency: 200ms, jitter: 50ms }
 *
 * A target is a process or a link between two processes (`<client>-><server>`). `at` counts from the
 * start of the measured run. Every mistake is a PlanError naming the entry and the field, and what
 * would be accepted.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { durationMs } from '../cli/options.js';
import { NETWORK_FAULTS, type NetworkFault } from '../stack/toxiproxy.js';

/** Processes of the local stack a fault can hit; a service's fault hits its first running replica. */
export const FAULT_TARGETS = ['mongo', 'redis', 'grpc-server', 'grpc-client', 'redis-writer'] as const;
export type FaultTarget = (typeof FAULT_TARGETS)[number];

/**
 * hang:    SIGSTOP, then SIGCONT after `duration` (a frozen store or a stop-the-world pause).
 * kill:    SIGKILL; the supervisor restarts it after its back-off (or after `duration`, if given).
 * stop:    SIGTERM (it drains and exits), kept down for `duration`, then started again (a pod deleted).
 * restart: SIGTERM, started again as soon as it exits (a rolling restart).
 * late:    a store (mongo, redis) that comes up after the services: it and every service that uses it
 *          are killed; the services start again at once (after the supervisor's back-off) while the
 *          store is kept down for `duration`, so their clients start with the store unreachable, as on a
 *          first `kubectl apply` whose store is slower than the services. `duration` must outlast a
 *          service's start (2-3 s here) for the order to hold.
 */
export const PROCESS_ACTIONS = ['hang', 'kill', 'stop', 'restart', 'late'] as const;

/** The stores a `late` fault can hold down, and the services that start again while it is down. */
export const STORE_USERS = { mongo: ['grpc-server', 'redis-writer'], redis: ['redis-writer'] } as const satisfies Partial<Record<FaultTarget, readonly FaultTarget[]>>;
export type ProcessAction = (typeof PROCESS_ACTIONS)[number];

/**
 * Links of the local stack a network fault can hit, `<client>-><server>`: each a connection of
 * contract/data-flow.ts (plan.test.ts checks). In a run whose plan names a link, that link goes
 * through Toxiproxy (stack/toxiproxy.ts); other runs have no proxy in the way.
 */
export const FAULT_LINKS = ['grpc-client->grpc-server', 'grpc-server->mongo', 'redis-writer->mongo', 'redis-writer->redis'] as const;
export type FaultLink = (typeof FAULT_LINKS)[number];

/**
 * On a link, for `duration`:
 * latency:   every answer delayed by `latency` ± `jitter` (a slow network, a far zone).
 * partition: no packets either way; connections hang (a split network, a dropped route).
 * reset:     connections reset as soon as they carry data (a middlebox or peer resetting).
 */
export const FAULT_ACTIONS = [...PROCESS_ACTIONS, ...NETWORK_FAULTS] as const;
export type FaultAction = ProcessAction | NetworkFault;

export interface Fault {
  /** Position in the plan, from 0. */
  index: number;
  /** Seconds from the start of the measured run. */
  at: number;
  target: FaultTarget | FaultLink;
  action: FaultAction;
  /** Seconds: how long it hangs, stays down or the link is broken; 0 when the action has none. */
  duration: number;
  /** A latency fault's delay and its jitter, ms. */
  latencyMs?: number;
  jitterMs?: number;
}

export const isLinkTarget = (target: string): target is FaultLink => (FAULT_LINKS as readonly string[]).includes(target);
export const isNetworkAction = (action: string): action is NetworkFault => (NETWORK_FAULTS as readonly string[]).includes(action);

/** The links a plan breaks: the ones a run must put through Toxiproxy. */
export const linksOf = (faults: readonly Fault[]): FaultLink[] => [...new Set(faults.flatMap((f) => (isLinkTarget(f.target) ? [f.target] : [])))];

export class PlanError extends Error {
  override name = 'PlanError';
}

/** `8s`, `1m30s`, `2.5s` or a number of seconds. */
function seconds(v: unknown, where: string): number {
  const ms = typeof v === 'number' || typeof v === 'string' ? durationMs(v, 's') : undefined;
  if (ms === undefined) throw new PlanError(`${where} must be a duration such as 8s, 2.5s or 1m30s, got ${JSON.stringify(v)}`);
  return ms / 1000;
}

/** `200ms`, `0.2s` or a number of milliseconds. */
function millis(v: unknown, where: string): number {
  const ms = typeof v === 'number' || typeof v === 'string' ? durationMs(v, 'ms') : undefined;
  if (ms === undefined) throw new PlanError(`${where} must be a duration such as 200ms or 0.5s, got ${JSON.stringify(v)}`);
  return ms;
}

function oneOf<T extends string>(v: unknown, values: readonly T[], where: string): T {
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) throw new PlanError(`${where} must be one of ${values.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

const KEYS = new Set(['at', 'target', 'action', 'duration', 'latency', 'jitter']);

function entry(raw: unknown, index: number): Fault {
  const where = `faults[${index}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new PlanError(`${where} must be a mapping with at, target, action (and duration), got ${JSON.stringify(raw)}`);
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KEYS.has(k)) throw new PlanError(`${where}.${k} is not a field of a fault; the fields are at, target, action, duration (and latency, jitter for a latency fault)`);
  for (const k of ['at', 'target', 'action']) if (o[k] === undefined) throw new PlanError(`${where}.${k} is required`);
  const target = oneOf(o.target, [...FAULT_TARGETS, ...FAULT_LINKS], `${where}.target`);
  if (isLinkTarget(target)) return linkEntry(o, index, target, where);
  const action = oneOf(o.action, PROCESS_ACTIONS, `${where}.action (on a process; ${NETWORK_FAULTS.join(', ')} go on a link such as ${FAULT_LINKS[2]})`);
  if (o.latency !== undefined || o.jitter !== undefined) throw new PlanError(`${where}: latency and jitter belong to a latency fault on a link`);
  const fault: Fault = { index, at: seconds(o.at, `${where}.at`), target, action, duration: 0 };
  if (o.duration !== undefined) {
    if (action === 'restart') throw new PlanError(`${where}.duration: a restart starts again at once; use stop with a duration to keep it down`);
    fault.duration = seconds(o.duration, `${where}.duration`);
    if (fault.duration <= 0) throw new PlanError(`${where}.duration must be more than 0`);
  } else if (action === 'hang' || action === 'stop' || action === 'late') {
    throw new PlanError(`${where}.duration is required for ${action} (how long it ${action === 'hang' ? 'hangs' : 'stays down'})`);
  }
  if (action === 'late' && !(target in STORE_USERS)) throw new PlanError(`${where}: late is for a store (${Object.keys(STORE_USERS).join(', ')}), not ${target}`);
  return fault;
}

function linkEntry(o: Record<string, unknown>, index: number, target: FaultLink, where: string): Fault {
  const action = oneOf(o.action, NETWORK_FAULTS, `${where}.action (on a link)`);
  if (o.duration === undefined) throw new PlanError(`${where}.duration is required for ${action} (how long the link stays broken)`);
  const fault: Fault = { index, at: seconds(o.at, `${where}.at`), target, action, duration: seconds(o.duration, `${where}.duration`) };
  if (fault.duration <= 0) throw new PlanError(`${where}.duration must be more than 0`);
  if (action === 'latency') {
    if (o.latency === undefined) throw new PlanError(`${where}.latency is required for a latency fault (e.g. 200ms)`);
    fault.latencyMs = millis(o.latency, `${where}.latency`);
    fault.jitterMs = o.jitter === undefined ? 0 : millis(o.jitter, `${where}.jitter`);
    if (fault.latencyMs <= 0) throw new PlanError(`${where}.latency must be more than 0`);
  } else if (o.latency !== undefined || o.jitter !== undefined) {
    throw new PlanError(`${where}: latency and jitter belong to a latency fault, not ${action}`);
  }
  return fault;
}

/**
 * Faults on the same target must not overlap: a second fault on a process that is still hung or down
 * would measure the first one's recovery. `settleS` is the least time between them.
 */
function checkOverlaps(faults: Fault[], settleS: number): void {
  const byTarget = new Map<string, Fault[]>();
  for (const f of faults) byTarget.set(f.target, [...(byTarget.get(f.target) ?? []), f]);
  for (const list of byTarget.values()) {
    list.sort((a, b) => a.at - b.at);
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1]!;
      const next = list[i]!;
      if (next.at < prev.at + prev.duration + settleS) {
        throw new PlanError(`faults[${next.index}] (${next.target} at ${next.at}s) overlaps faults[${prev.index}] (${prev.target} at ${prev.at}s for ${prev.duration}s): leave at least ${settleS}s after one ends`);
      }
    }
  }
}

/** Least seconds between the end of one fault and the next on the same target. */
const SETTLE_S = 5;

/** Checks a parsed plan (the YAML's value); faults in the order of `at`. */
export function parsePlan(doc: unknown): Fault[] {
  const list = Array.isArray(doc) ? doc : typeof doc === 'object' && doc !== null && 'faults' in doc ? (doc as { faults: unknown }).faults : undefined;
  if (!Array.isArray(list)) throw new PlanError('a fault plan is a list of faults, or a mapping with a `faults:` list');
  if (list.length === 0) throw new PlanError('the fault plan has no faults');
  const faults = list.map(entry);
  checkOverlaps(faults, SETTLE_S);
  return faults.sort((a, b) => a.at - b.at || a.index - b.index);
}

export function readPlan(file: string): Fault[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new PlanError(`cannot read the fault plan ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new PlanError(`${file} is not YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  try {
    return parsePlan(doc);
  } catch (err) {
    if (err instanceof PlanError) throw new PlanError(`${file}: ${err.message}`);
    throw err;
  }
}

/** Every fault must end before the run does, with `recoverS` left to see the recovery. */
export function checkAgainstRun(faults: Fault[], runS: number, recoverS: number): void {
  for (const f of faults) {
    if (f.at + f.duration + recoverS > runS) {
      throw new PlanError(`faults[${f.index}] (${f.target} ${f.action} at ${f.at}s${f.duration ? ` for ${f.duration}s` : ''}) ends too late for a ${runS}s run: leave ${recoverS}s to recover, or run longer (--duration)`);
    }
  }
}

/** Seconds a run with this plan lasts by default: until 20 s after its last fault ends, in whole 5 s. */
export function runSecondsFor(faults: readonly Fault[]): number {
  const lastEnd = Math.max(0, ...faults.map((f) => f.at + f.duration));
  return Math.ceil((lastEnd + 20) / 5) * 5;
}
