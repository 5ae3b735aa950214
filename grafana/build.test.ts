// Tested against: the repo's own generators (build.ts), no external program: the committed dashboards
// JSON and provisioning YAML are what the code builds, and every datasource uid a panel, target or
// variable references is one the provisioning creates, with the same plugin type.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { GRAFANA_DIR, renderAll, staleFiles } from './build.js';
import { DATASOURCES, PLUGINS } from './datasources.js';
import { DASHBOARDS_DIR } from './provisioning.js';

t.test('the committed generated files are up to date (else: npx tsx grafana/build.ts)', async (t) => {
  t.same(staleFiles(), []);
});

t.test('a stale file is reported', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'splitbench-grafana-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(path.join(GRAFANA_DIR, 'dashboards'), path.join(dir, 'dashboards'), { recursive: true });
  cpSync(path.join(GRAFANA_DIR, 'provisioning'), path.join(dir, 'provisioning'), { recursive: true });
  cpSync(path.join(GRAFANA_DIR, 'k8s/generated'), path.join(dir, 'k8s/generated'), { recursive: true });
  t.same(staleFiles(dir), []);
  writeFileSync(path.join(dir, 'dashboards/json/grades.json'), '{}\n');
  t.same(staleFiles(dir), ['dashboards/json/grades.json']);
});

interface Provisioned {
  datasources: { uid: string; type: string; name: string }[];
}

/** Every {uid, type} object anywhere in a dashboard: panels, targets, variables. */
function datasourceRefs(v: unknown, out: { uid: string; type?: string }[] = []): { uid: string; type?: string }[] {
  if (Array.isArray(v)) v.forEach((x) => datasourceRefs(x, out));
  else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === 'datasource' && x !== null && typeof x === 'object' && typeof (x as { uid?: unknown }).uid === 'string') out.push(x as { uid: string; type?: string });
      datasourceRefs(x, out);
    }
  }
  return out;
}

t.test('every datasource uid in the dashboards exists in the provisioning, with the same type', async (t) => {
  const files = renderAll();
  const prov = parse(files.get('provisioning/datasources/splitbench.yaml')!) as Provisioned;
  const byUid = new Map(prov.datasources.map((d) => [d.uid, d]));
  t.same([...byUid.keys()].sort(), Object.values(DATASOURCES).map((d) => d.uid).sort(), 'one provisioned datasource per DATASOURCES entry');
  for (const [rel, content] of files) {
    if (!rel.endsWith('.json')) continue;
    const refs = datasourceRefs(JSON.parse(content));
    t.ok(refs.length > 0, `${rel} references datasources`);
    for (const ref of refs) {
      const ds = byUid.get(ref.uid);
      t.ok(ds, `${rel}: uid ${ref.uid} is provisioned`);
      t.equal(ref.type, ds?.type, `${rel}: uid ${ref.uid} has type ${ds?.type}`);
    }
  }
  const pluginIds: string[] = PLUGINS.map((p) => p.id);
  for (const d of prov.datasources) if (d.type !== 'prometheus') t.ok(pluginIds.includes(d.type), `plugin ${d.type} is installed at start`);
});

t.test('every panel says which store it reads', async (t) => {
  for (const [rel, content] of renderAll()) {
    if (!rel.endsWith('.json')) continue;
    const d = JSON.parse(content) as { uid: string; panels: { type: string; title: string; description?: string }[] };
    t.ok(d.uid.startsWith('splitbench-'), `${rel}: fixed uid`);
    for (const p of d.panels.filter((x) => x.type !== 'row')) {
      t.match(p.description ?? '', /^(Store|Source|Observed): /, `${rel} "${p.title}": description names its store or source`);
    }
  }
});

t.test('the dashboards provider reads the folder the manifests mount', async (t) => {
  const prov = parse(renderAll().get('provisioning/dashboards/splitbench.yaml')!) as { providers: { options: { path: string } }[] };
  t.equal(prov.providers[0]?.options.path, DASHBOARDS_DIR);
});
