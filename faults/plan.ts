/**
 * A fault plan: what to break, when, and how, during a measured run. Read from YAML:
 *
 *   faults:
 *     - { at: 8s, target: mongo, action: hang, duration: 3s }
 *     - { at: 20s, target: redis, action: kill }
 *
 * `at` counts from the start of the measured run. Every mistake is a PlanError naming the entry and the
 * field, and what would be accepted.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

/** Processes of the local stack a fault can hit; a service's fault hits its first running replica. */
export const FAULT_TARGETS = ['mongo', 'redis', 'grpc-server', 'grpc-client', 'redis-writer'] as const;
export type FaultTarget = (typeof FAULT_TARGETS)[number];

/**
 * hang:    SIGSTOP, then SIGCONT after `duration` (a frozen store or a stop-the-world pause).
 * kill:    SIGKILL; the supervisor restarts it after its back-off (or after `duration`, if given).
 * stop:    SIGTERM (it drains and exits), kept down for `duration`, then started again (a pod deleted).
 * restart: SIGTERM, started again as soon as it exits (a rolling restart).
 */
export const FAULT_ACTIONS = ['hang', 'kill', 'stop', 'restart'] as const;
export type FaultAction = (typeof FAULT_ACTIONS)[number];

export interface Fault {
  /** Position in the plan, from 0. */
  index: number;
  /** Seconds from the start of the measured run. */
  at: number;
  target: FaultTarget;
  action: FaultAction;
  /** Seconds: how long it hangs or stays down; 0 when the action has none. */
  duration: number;
}

export class PlanError extends Error {
  override name = 'PlanError';
}

const DURATION = /^(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/;

/** `8s`, `1m30s`, `2.5s` or a number of seconds. */
function seconds(v: unknown, where: string): number {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  const m = typeof v === 'string' ? DURATION.exec(v.trim()) : null;
  if (!m || v === '' || (m[1] === undefined && m[2] === undefined)) throw new PlanError(`${where} must be a duration such as 8s, 2.5s or 1m30s, got ${JSON.stringify(v)}`);
  return Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0);
}

function oneOf<T extends string>(v: unknown, values: readonly T[], where: string): T {
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) throw new PlanError(`${where} must be one of ${values.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

const KEYS = new Set(['at', 'target', 'action', 'duration']);

function entry(raw: unknown, index: number): Fault {
  const where = `faults[${index}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new PlanError(`${where} must be a mapping with at, target, action (and duration), got ${JSON.stringify(raw)}`);
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KEYS.has(k)) throw new PlanError(`${where}.${k} is not a field of a fault; the fields are at, target, action, duration`);
  for (const k of ['at', 'target', 'action']) if (o[k] === undefined) throw new PlanError(`${where}.${k} is required`);
  const action = oneOf(o.action, FAULT_ACTIONS, `${where}.action`);
  const fault: Fault = { index, at: seconds(o.at, `${where}.at`), target: oneOf(o.target, FAULT_TARGETS, `${where}.target`), action, duration: 0 };
  if (o.duration !== undefined) {
    if (action === 'restart') throw new PlanError(`${where}.duration: a restart starts again at once; use stop with a duration to keep it down`);
    fault.duration = seconds(o.duration, `${where}.duration`);
    if (fault.duration <= 0) throw new PlanError(`${where}.duration must be more than 0`);
  } else if (action === 'hang' || action === 'stop') {
    throw new PlanError(`${where}.duration is required for ${action} (how long it ${action === 'hang' ? 'hangs' : 'stays down'})`);
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
