/**
 * What the simulated run proved or not, as data (checks), and the one text summary made from it.
 */
import type { SimReport } from './scenario.js';

export interface Check { name: string; ok: boolean; detail: string }

/** Objects a second apply may still report "configured", each with why it cannot be a no-op. */
export const RECONFIGURED_ON_REAPPLY: Readonly<Record<string, string>> = {};

export function evaluate(r: SimReport): Check[] {
  const checks: Check[] = [];
  const add = (name: string, ok: boolean, detail: string): void => void checks.push({ name, ok, detail });
  add('ran to the end', r.ok, r.error ?? 'every step ran');
  add('network isolated to loopback', r.isolated && r.interfaces.every((i) => i === 'lo'), `interfaces: ${r.interfaces.join(', ')}`);
  const warnings = [...r.scaffolding.flatMap((s) => s.warnings), ...r.docSteps.flatMap((s) => s.warnings)];
  add('the API server sent no warning', warnings.length === 0, warnings.join('; ') || 'none');
  const failedDry = r.dryRuns.filter((d) => d.status !== 0);
  add('every ingress x split variant passes a server-side dry run', r.dryRuns.length === 6 && failedDry.length === 0,
    `${r.dryRuns.length - failedDry.length}/${r.dryRuns.length} passed${failedDry.map((d) => `; ${d.variant}: ${d.output.slice(0, 300)}`).join('')}`);
  const changed = (r.secondApply?.lines ?? []).filter((l) => l.action !== 'unchanged' && RECONFIGURED_ON_REAPPLY[l.object] === undefined);
  add('a second kubectl apply -k linkerd changes nothing', r.secondApply !== undefined && r.secondApply.status === 0 && changed.length === 0,
    changed.map((l) => `${l.object} ${l.action}`).join(', ') || `${r.secondApply?.lines.length ?? 0} objects unchanged`);
  const jobs = r.loadRun?.jobs ?? [];
  add('the load Job ran to completion', jobs.length > 0 && jobs.every((j) => j.complete), jobs.map((j) => `${j.name}: ${j.complete ? 'Complete' : 'not complete'}`).join(', ') || 'no Job');
  add('the load TestRun was accepted', (r.loadRun?.testRuns.length ?? 0) > 0, r.loadRun?.testRuns.join(', ') || 'no TestRun');
  const runs = r.clusterRuns ?? [];
  for (const [grpc, redis] of [[50, 50], [90, 10]] as const) {
    const c = runs.find((x) => x.during === undefined && x.applied[0] === grpc && x.applied[1] === redis);
    add(`the load script's verdict of a ${grpc}/${redis} run, judged against the applied ${grpc}/${redis} route`,
      c !== undefined && c.status === 0 && c.verdict === 'PASS' && c.expected?.grpc === grpc / 100,
      c ? `exit ${c.status}, ${c.verdict ?? 'no summary'}, expected grpc ${c.expected?.grpc ?? '?'}: ${c.lines.join(' | ') || c.stderr.slice(-300)}` : 'not run');
  }
  const restart = runs.find((x) => x.during !== undefined);
  add("a pod restart during a run fails the load script's verdict",
    restart !== undefined && restart.status === 1 && restart.verdict === 'FAIL' && restart.reasons.some((x) => /restarted 1 time during the run/.test(x)),
    restart ? `${restart.during}; exit ${restart.status}, ${restart.verdict ?? 'no summary'}: ${restart.reasons.slice(0, 2).join('; ') || restart.stderr.slice(-300)}` : 'not run');
  if (r.hpa) {
    for (const phase of [r.hpa.up, r.hpa.down]) {
      const slow = Object.entries(phase.reachedAfter).filter(([, t]) => t === null);
      add(`every HPA reached ${phase.target} replicas at ${phase.cpu} CPU within ${phase.boundSeconds} s`, slow.length === 0,
        Object.entries(phase.reachedAfter).map(([h, t]) => `${h}: ${t === null ? 'not reached' : `${t} s`}`).join(', '));
    }
  }
  if (r.afterSwitch) {
    add('switching ingress leaves nothing of the old one', r.afterSwitch.gatewayObjects === '' && r.afterSwitch.nginxObjects !== '',
      `gateway-api objects left: ${r.afterSwitch.gatewayObjects || 'none'}; ingress-nginx objects: ${r.afterSwitch.nginxObjects.split('\n').length}`);
  }
  return checks;
}

export function summary(r: SimReport, checks: Check[]): string {
  const lines = checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  const failed = checks.filter((c) => !c.ok).length;
  return [...lines, `${failed === 0 ? 'PASS' : 'FAIL'}: ${checks.length - failed} of ${checks.length} checks passed in ${r.seconds.stopped ?? '?'} s`].join('\n');
}
