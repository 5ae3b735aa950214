/**
 * Writes the generated Grafana files: dashboards JSON (grafana/dashboards/json/), provisioning YAML
 * (grafana/provisioning/) and their copies plus the Prometheus config for kustomize (grafana/k8s/generated/).
 * They are committed so Grafana and kustomize need no build step.
 *
 *   npx tsx grafana/build.ts           write them
 *   npx tsx grafana/build.ts --check   exit 1 when a committed file differs from what the code builds
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchmarkDashboard } from './dashboards/benchmark.js';
import { gradesDashboard } from './dashboards/grades.js';
import { prometheusYaml } from './prometheus-config.js';
import { dashboardsProviderYaml, datasourcesYaml } from './provisioning.js';

export const GRAFANA_DIR = path.dirname(fileURLToPath(import.meta.url));

/** Every generated file: path relative to grafana/ -> content. */
export function renderAll(): Map<string, string> {
  const json = (v: unknown): string => JSON.stringify(v, null, 2) + '\n';
  const grades = json(gradesDashboard());
  const benchmark = json(benchmarkDashboard());
  const datasources = datasourcesYaml();
  const providers = dashboardsProviderYaml();
  return new Map([
    ['dashboards/json/grades.json', grades],
    ['dashboards/json/benchmark.json', benchmark],
    ['provisioning/datasources/splitbench.yaml', datasources],
    ['provisioning/dashboards/splitbench.yaml', providers],
    // kustomize reads generator files only from inside the kustomization's folder: same content, copied.
    ['k8s/generated/grades.json', grades],
    ['k8s/generated/benchmark.json', benchmark],
    ['k8s/generated/datasources.yaml', datasources],
    ['k8s/generated/dashboard-providers.yaml', providers],
    ['k8s/generated/prometheus.yml', prometheusYaml()],
  ]);
}

/** Relative paths of the files whose committed content differs from what renderAll() builds. */
export function staleFiles(dir = GRAFANA_DIR): string[] {
  const stale: string[] = [];
  for (const [rel, content] of renderAll()) {
    let current: string | undefined;
    try {
      current = readFileSync(path.join(dir, rel), 'utf8');
    } catch {
      current = undefined;
    }
    if (current !== content) stale.push(rel);
  }
  return stale;
}

function main(argv: string[]): number {
  if (argv.includes('--help')) {
    process.stdout.write('Usage: npx tsx grafana/build.ts [--check]\n');
    return 0;
  }
  if (argv.includes('--check')) {
    const stale = staleFiles();
    if (stale.length === 0) return 0;
    process.stderr.write(`stale generated files (run npx tsx grafana/build.ts):\n${stale.map((s) => `  grafana/${s}`).join('\n')}\n`);
    return 1;
  }
  for (const [rel, content] of renderAll()) {
    const file = path.join(GRAFANA_DIR, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
    process.stdout.write(`wrote grafana/${rel}\n`);
  }
  return 0;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
