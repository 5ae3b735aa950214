/** The demo's result as text: the table and verdict a person reads at the end of `npm run demo`. */
import { NO_ROUTE } from '../contract/routes.js';
import { costRate } from '../cost/cost.js';
import { describeCostRate } from '../cost/cost-format.js';
import { HEAP_GROWTH_BOUND_BYTES } from '../cost/growth.js';
import { MIN_OUTSIDE_SHARE } from '../faults/analysis.js';
import { ms, pct, routeTable, table } from '../format/table.js';
import { describeFinding, describeSplit } from '../reconcile/format.js';
import { stackCores, type ContentionSignal, type CpuPart, type MachineLoad } from './machine.js';
import type { DemoSummary } from './summary.js';
import type { DemoFinding } from './verdict.js';

const K6_EXIT_MEANING: Record<number, string> = {
  99: 'thresholds crossed',
  107: 'bad settings (see k6.log)',
  108: 'the target was not ready in setup()',
};
const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
const exitText = (code: number): string => `exit ${code}${K6_EXIT_MEANING[code] ? `: ${K6_EXIT_MEANING[code]}` : ''}`;

const cores = (c: number): string => c.toFixed(2);

/** Which signal said the system was short of CPU, with its figure and bound. */
function contention(m: MachineLoad): string {
  const part = (kind: CpuPart['kind']): CpuPart | undefined => m.attribution.find((p) => p.kind === kind);
  const said: Record<ContentionSignal, () => string> = {
    'other-work': () => `work outside the stack and k6 used ${cores(part('other')?.cores ?? 0)} cores (${pct(part('other')?.share ?? 0, 0)} of ${m.cpus} CPUs, bound ${pct(m.bounds.otherMaxShare, 0)})`,
    steal: () => `CPU steal took ${cores(part('steal')?.cores ?? 0)} cores (${pct(part('steal')?.share ?? 0, 0)}, bound ${pct(m.bounds.stealMaxShare, 0)})`,
    'k6-starved': () => `k6 was starved: busy ${cores(part('k6')?.cores ?? 0)} cores (bound ${m.bounds.k6StarvedCores}) and it dropped ${m.droppedIterations} iterations`,
  };
  return m.signals.map((s) => said[s]()).join('; ');
}

/** The cores each part used, the stack first. */
function cpuSentence(m: MachineLoad): string {
  const rest = m.attribution.filter((p) => p.kind !== 'stack').map((p) => `${p.part} ${cores(p.cores)}`).join(', ');
  const stack = m.attribution.filter((p) => p.kind === 'stack').map((p) => `${p.part} ${cores(p.cores)}`).join(', ');
  const idle = m.attribution.find((p) => p.kind === 'idle');
  const cause =
    idle !== undefined && idle.share >= 0.2
      ? // Cores were left over on average: the time went to the system's own waits or bursts (a replica
        // starting, a store's fsync, a pause), not to a machine that was full all along.
        `Nothing outside the stack and k6 took the CPU it needed, and ${pct(idle.share, 0)} of the machine was idle on average: the latency came from the system itself (bursts such as replicas starting, or waits), not from too few cores over the run`
      : 'Nothing outside the stack and k6 took the CPU it needed: more CPU per request, or more cores, would be needed for this rate';
  return `the stack used ${cores(stackCores(m))} of ${m.cpus} cores (${stack}); ${rest}. ${cause}`;
}

export function describeDemoFinding(f: DemoFinding): string {
  switch (f.kind) {
    case 'crashed':
      return `a process crashed: ${f.detail}`;
    case 'k6-no-summary':
      return `k6 wrote no summary (${exitText(f.exitCode)})`;
    case 'k6-exit':
      return `k6 exited ${f.exitCode}${K6_EXIT_MEANING[f.exitCode] ? ` (${K6_EXIT_MEANING[f.exitCode]})` : ''}${f.severity === 'warn' ? ' (not judged: the system could not get the CPU)' : ''}`;
    case 'threshold-failed':
      return `threshold failed: ${f.threshold}${f.severity === 'warn' ? ' (not judged: the system could not get the CPU)' : ''}`;
    case 'checks-failed':
      return `check failed: ${f.count} acknowledged answer${f.count === 1 ? '' : 's'} did not name ${f.count === 1 ? 'its' : 'their'} Idempotency-Key as id`;
    case 'thresholds-off':
      return 'note: thresholds off (--no-thresholds): latency and error rates were measured, not judged; the verdict covers the rest';
    case 'no-requests':
      return 'k6 sent no requests';
    case 'dropped-iterations':
      return `note: k6 dropped ${f.count} iterations (not enough VUs for the rate; the offered load was lower than asked)`;
    case 'interrupted':
      return 'INCONCLUSIVE: interrupted (Ctrl-C/SIGTERM): the run is shorter than asked, so it cannot pass';
    case 'faults-not-run':
      return `INCONCLUSIVE: ${f.faults.length} planned fault${f.faults.length === 1 ? '' : 's'} never ran: ${f.faults.map((x) => `${x.index + 1} (${x.action} ${x.target} at ${x.at}s)`).join(', ')}`;
    case 'check-error':
      return `${f.what} failed: ${f.message}`;
    case 'dashboard-query':
      return `Benchmark dashboard, "${f.panel}" query ${f.refId}: ${f.problem}`;
    case 'machine-contended':
      return `CPU SHORT: the system under test could not get the CPU it needed: ${contention(f.machine)}; its latency findings (${f.excused.join(', ')}) are reported, not judged (INCONCLUSIVE unless something else fails). Rerun on a quieter machine`;
    case 'rate-not-held':
      return `the system did not hold ${f.rate === null ? 'the rate' : `${f.rate} req/s`} on this machine: ${cpuSentence(f.machine)}`;
    case 'memory-growth':
      return `MEMORY: ${f.process}'s heap grew ${mib(f.heapPer10Min)} MiB per 10 minutes, and still did in the second half of the run (bound ${mib(f.boundPer10Min)} MiB)`;
    case 'fault-not-injected':
      return `FAULT ${f.fault.index + 1} (${f.fault.action} ${f.fault.target}) was not carried out: ${f.fault.error ?? ''}`;
    case 'fault-not-recovered': {
      const ms = f.fault.recoveryMs[f.route];
      return `NOT RECOVERED: after fault ${f.fault.index + 1} (${f.fault.action} ${f.fault.process}) route ${f.route} ${ms === null || ms === undefined ? 'never answered 2xx again' : `took ${(ms / 1000).toFixed(1)} s`} (bound ${f.boundMs / 1000} s)`;
    }
    case 'fault-not-settled': {
      const ms = f.fault.settleMs[f.route];
      return `NOT SETTLED: after fault ${f.fault.index + 1} (${f.fault.action} ${f.fault.process}) route ${f.route} answered again but ${ms === null || ms === undefined ? 'never' : `only after ${(ms / 1000).toFixed(1)} s`} ${f.p99Ms === null ? 'without errors' : `within its p99 threshold of ${f.p99Ms} ms`} (bound ${f.boundMs / 1000} s)`;
    }
    case 'fault-recovered': {
      const times = Object.entries(f.fault.recoveryMs).map(([r, ms]) => `${r} ${((ms ?? 0) / 1000).toFixed(1)} s (in time after ${((f.fault.settleMs[r] ?? 0) / 1000).toFixed(1)} s)`).join(', ');
      return `fault ${f.fault.index + 1}: ${f.fault.action} ${f.fault.process} at ${f.fault.at}s; routes answered 2xx again after ${times}`;
    }
    case 'fault-not-ended':
      return `FAULT ${f.fault.index + 1} (${f.fault.action} ${f.fault.process}): the process was not running again by the end of the run`;
    case 'too-little-outside-faults':
      return `INCONCLUSIVE: only ${pct(f.outsideShare, 0)} of the run was outside the fault windows (at least ${pct(f.minShare, 0)} needed to judge the steady state): a longer --duration or fewer faults`;
    case 'threshold-outside-faults':
      return f.what === 'errorRate'
        ? `threshold failed outside the fault windows: route ${f.route} error rate ${pct(f.value)} > ${pct(f.limit)}`
        : `threshold failed outside the fault windows: route ${f.route} ${f.what} ${f.value.toFixed(1)} ms >= ${f.limit} ms`;
    default:
      return describeFinding(f);
  }
}

const secs = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : (ms / 1000).toFixed(1));

/** `judged`: the run had thresholds (without them, settling is answering without errors, and nothing outside the windows is judged). */
function faultLines(f: NonNullable<DemoSummary['faults']>, judged: boolean): string[] {
  const routes = Object.keys(f.faults[0]?.recoveryMs ?? {});
  return [
    `faults (after a fault's end a route must answer 2xx again within ${f.boundMs / 1000} s ("back") and answer new requests ${judged ? 'within its p99 threshold' : 'without errors'} within ${f.settleBoundMs / 1000} s ("settled"))`,
    table(
      [
        { header: '#', cell: (x) => x.index + 1 },
        { header: 'at s', cell: (x) => x.at },
        { header: 'fault', cell: (x) => `${x.action} ${x.process}`, align: 'left' },
        { header: 'down s', cell: (x) => secs(x.endedAt === null ? null : x.endedAt - x.startedAt) },
        ...routes.map((r) => ({ header: `${r} back s`, cell: (x: (typeof f.faults)[number]) => secs(x.recoveryMs[r]) })),
        ...routes.map((r) => ({ header: `${r} settled s`, cell: (x: (typeof f.faults)[number]) => secs(x.settleMs[r]) })),
        { header: 'recovered', cell: (x) => (x.recovered ? 'yes' : 'NO') },
      ],
      f.faults,
      '',
    ),
    ...(f.outsideShare === null || f.outsideShare === undefined ? [] : [`outside the fault windows: ${pct(f.outsideShare, 0)} of the run (${judged ? 'the thresholds judge this part' : 'thresholds off: not judged'}; at least ${pct(MIN_OUTSIDE_SHARE, 0)} needed)`]),
    ...Object.entries(f.routes).map(([r, w]) => `${(r === NO_ROUTE ? 'no route (ingress error or no answer)' : r).padEnd(6)} inside the faults: ${w.inside.requests} requests, errors ${w.inside.errorRate === null ? '-' : pct(w.inside.errorRate)}, p99 ${ms(w.inside.p99) ?? '-'} ms; outside: ${w.outside.requests}, errors ${w.outside.errorRate === null ? '-' : pct(w.outside.errorRate)}, p99 ${ms(w.outside.p99) ?? '-'} ms`),
  ];
}

/** Who used the CPU over the run: cores per part, and the share of all CPUs. */
function machineLines(m: MachineLoad): string[] {
  return [
    `CPU over the run (${m.seconds} s on ${m.cpus} CPUs; the stack is the system under test, k6 and the demo the rig; other = the machine's busy time minus theirs)`,
    table(
      [
        { header: 'part', cell: (p: CpuPart) => p.part, align: 'left' },
        { header: 'cores', cell: (p) => cores(p.cores) },
        { header: 'share', cell: (p) => pct(p.share, 1) },
      ],
      [...m.attribution.filter((p) => p.kind === 'stack'), { part: 'stack, all', kind: 'stack', cores: stackCores(m), share: stackCores(m) / m.cpus }, ...m.attribution.filter((p) => p.kind !== 'stack')],
      '',
    ),
  ];
}

function memoryLines(growth: NonNullable<DemoSummary['memory']>): string[] {
  const mib = (b: number | null): string => (b === null ? '-' : (b / 2 ** 20).toFixed(1));
  return [
    `memory (least-squares slope, MiB per 10 minutes; a leak is a heap that grows over the run and still in its second half, over ${mib(HEAP_GROWTH_BOUND_BYTES)} MiB)`,
    table(
      [
        { header: 'process', cell: (g) => g.process, align: 'left' },
        { header: 'samples', cell: (g) => g.samples },
        { header: 'RSS', cell: (g) => mib(g.rssPer10Min) },
        { header: 'heap', cell: (g) => mib(g.heapPer10Min) },
        { header: 'heap, 2nd half', cell: (g) => mib(g.heapSecondHalfPer10Min) },
        { header: 'growing', cell: (g) => (g.sustained ? 'YES' : 'no') },
      ],
      growth,
      '',
    ),
  ];
}

function costLines(c: NonNullable<DemoSummary['cost']>): string[] {
  const mb = (b: number): string => (b / 2 ** 20).toFixed(0);
  return [
    `cost (CPU ms per acknowledged request; ${c.rule})`,
    // The figures fall as the rate per replica rises: a table without its rate invites comparing unlike runs.
    `these figures hold ${describeCostRate(costRate(c))}; at another rate they differ (npm run cost reads the cost curves)`,
    ...Object.entries(c.routes).map(([r, x]) => `${r.padEnd(6)} ${x.cpuMsPerAck ?? '-'} ms/req, peak RSS ${mb(x.peakRssBytes)} MiB`),
    `per process: ${c.processes.map((p) => `${p.process} ${p.cpuMsPerAck ?? '-'}`).join(', ')}`,
  ];
}

export function formatSummary(s: DemoSummary): string {
  const rows = Object.entries(s.routes).map(([name, r]) => ({ name, ...r }));
  const lines = [
    `splitbench demo ${s.runId}`,
    '',
    routeTable(rows, ''),
    '',
  ];
  if (s.faults) lines.push(...faultLines(s.faults, !s.findings.some((f) => f.kind === 'thresholds-off')), '');
  if (s.cost) lines.push(...costLines(s.cost), '');
  if (s.memory?.length) lines.push(...memoryLines(s.memory), '');
  if (s.machine?.attribution.length) lines.push(...machineLines(s.machine), '');
  if (s.split) lines.push(`split        ${describeSplit(s.split)}`);
  if (s.reconciliation) lines.push(`reconciled   lost ${s.reconciliation.lost}, duplicated ${s.reconciliation.duplicated}, stored but unacknowledged ${s.reconciliation.unacknowledged}`);
  if (s.k6) lines.push(`k6           ${s.k6.requests} requests, ${s.k6.rps.toFixed(1)} req/s, dropped iterations ${s.k6.droppedIterations}, ${s.k6.unrouted} answered by no route (failed), exit ${s.k6.exitCode}`);
  lines.push('', `verdict      ${s.verdict}`);
  // Under the verdict, what decided it; findings that are only information follow as notes, so a
  // FAIL is never listed beside a sentence that reads like a pass.
  const deciding = s.reasons.filter((_, i) => s.findings[i]?.severity !== 'info');
  const notes = s.reasons.filter((_, i) => s.findings[i]?.severity === 'info');
  for (const r of deciding) lines.push(`  - ${r}`);
  if (notes.length > 0) lines.push('notes', ...notes.map((r) => `  - ${r}`));
  lines.push('');
  for (const [what, file] of Object.entries(s.files)) lines.push(`${what.padEnd(12)} ${file}`);
  return lines.join('\n');
}
