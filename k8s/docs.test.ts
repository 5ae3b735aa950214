/**
 * docs/kubernetes.md names one supported version combination, and it is the one the repository pins
 * and tests: the Gateway API and Envoy Gateway modules (tools/crds), Kubernetes (tools/kubernetes), the
 * load script's CRD check. Its `sh sim=` blocks (run verbatim by k8s/sim.test.ts) are in a sensible order
 * and name folders that exist.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { REPO_ROOT } from './lib/kustomize.js';
import { DOCS_FILE, simBlocks } from './sim/docs.js';

const docs = readFileSync(DOCS_FILE, 'utf8');
const read = (...p: string[]): string => readFileSync(path.join(REPO_ROOT, ...p), 'utf8');
const pinned = (file: string, module: string): string => {
  const m = new RegExp(`${module.replaceAll('.', '\\.')} (v[0-9][^\\s]*)`).exec(read(file));
  if (!m) throw new Error(`${file} does not require ${module}`);
  return m[1] as string;
};

t.test('the supported versions in the docs are the pinned and tested ones', async (t) => {
  const gatewayApi = pinned('tools/crds/go.mod', 'sigs.k8s.io/gateway-api');
  const envoyGateway = pinned('tools/crds/go.mod', 'github.com/envoyproxy/gateway');
  const kube = pinned('tools/kubernetes/go.mod', 'k8s.io/kubernetes');
  const section = docs.slice(docs.indexOf('## Supported versions'), docs.indexOf('## 0.'));
  t.match(section, `| Gateway API CRDs | ${gatewayApi}, standard channel |`, `Gateway API ${gatewayApi}`);
  t.match(section, `(${envoyGateway})`, `Envoy Gateway ${envoyGateway}`);
  t.match(section, `kube-apiserver ${kube}`, `Kubernetes ${kube}`);
  t.match(section, '| Linkerd | 2.20 |', 'Linkerd 2.20');
  t.match(docs, `gateway-api/releases/download/${gatewayApi}/standard-install.yaml`, 'the install command uses that version');
  t.match(docs, `--version ${envoyGateway}`, 'so does the Envoy Gateway install');
  t.match(read('scripts', 'k8s-loadtest.sh'), `GATEWAY_API_VERSION="\${GATEWAY_API_VERSION:-${gatewayApi}}"`, 'the load script checks for that bundle');
  t.match(read('scripts', 'install-k8s-tools.sh'), `KUBE_VERSION=${kube} `, 'the tools build stamps that Kubernetes version');
  t.notMatch(docs, /1\.2\.1 standard|v1\.2\.1\/standard-install|Linkerd 2\.18:/, 'no stale pins left');
});

t.test('the simulated steps: in order, naming folders that exist', async (t) => {
  const blocks = simBlocks();
  t.same(blocks.map((b) => b.name), ['gateway-api-crds', 'gateway-class', 'secrets', 'apply', 'observability', 'load', 'switch-ingress', 'clean-up']);
  for (const b of blocks) {
    for (const m of b.script.matchAll(/kubectl (?:apply|delete) -k (\S+)/g)) t.ok(existsSync(path.join(REPO_ROOT, m[1] as string, 'kustomization.yaml')), `sim=${b.name}: ${m[1]} is a kustomization`);
  }
  t.throws(() => simBlocks('```sh sim=a\nx\n```\n```sh sim=a\ny\n```\n'), /two blocks named sim=a/, 'block names are unique');
  t.same(simBlocks('```sh\nnot run\n```\n```sh sim=x\nrun me\n```\n').map((b) => [b.name, b.script, b.line]), [['x', 'run me\n', 5]], 'only sim= blocks, with their line');
});
