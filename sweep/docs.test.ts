// docs/kubernetes.md's cluster sweep patches the HTTPRoute's weights by position
// (/spec/rules/0/backendRefs/0 and /1): this fails when the route file's order no longer makes 0 route A
// (grpc-client) and 1 route B (redis-writer), or when the docs stop patching those paths.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { ROUTE_SERVICE } from '../contract/routes.js';
import { SPLIT_ROUTE_FILE } from '../linkerd/split.js';
import { REPO_ROOT } from '../stack/tools.js';

t.test("the cluster sweep's JSON patch names route A at backendRefs 0 and route B at 1", async (t) => {
  const route = parse(readFileSync(SPLIT_ROUTE_FILE, 'utf8')) as { spec: { rules: { backendRefs: { name: string }[] }[] } };
  t.same(route.spec.rules[0]!.backendRefs.map((b) => b.name), [ROUTE_SERVICE.grpc, ROUTE_SERVICE.redis]);
  const docs = readFileSync(path.join(REPO_ROOT, 'docs', 'kubernetes.md'), 'utf8');
  const section = docs.slice(docs.indexOf('## 11. Which weights'), docs.indexOf('## Switching ingress'));
  t.match(section, '/spec/rules/0/backendRefs/0/weight\\",\\"value\\":$W}');
  t.match(section, '/spec/rules/0/backendRefs/1/weight\\",\\"value\\":$((100 - W))}');
  t.match(section, 'npm run sweep -- --from results/sweep-a*');
});
