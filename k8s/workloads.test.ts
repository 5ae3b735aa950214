/**
 * The manifests, checked offline: every workload has resources, a non-root security context and shutdown timing that
 * fits; the autoscalers and the stores are as the README says. What only a real cluster
 * can prove is listed in docs/kubernetes.md.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { DEFAULTS } from '../contract/services.js';
import { allContainers, APP_SERVICES, base, committedBuilds, entry } from './lib/builds.js';
import { find, one, REPO_ROOT } from './lib/kustomize.js';
import { hasPodTemplate, onlyContainer, podTemplate, quantity } from './lib/workloads.js';
t.test('every container has CPU and memory requests and limits, request <= limit', async (t) => {
  const containers = allContainers();
  t.ok(containers.length >= 5, 'the builds hold the services and the stores');
  for (const { where, c } of containers) {
    for (const r of ['cpu', 'memory']) {
      const req = c.resources?.requests?.[r];
      const lim = c.resources?.limits?.[r];
      t.ok(req !== undefined && lim !== undefined, `${where}: ${r} request and limit`);
      if (req !== undefined && lim !== undefined) t.ok(quantity(req) <= quantity(lim), `${where}: ${r} request ${req} <= limit ${lim}`);
    }
  }
  t.equal(quantity('250m'), 0.25);
  t.equal(quantity('128Mi'), 128 * 2 ** 20);
});

t.test('every pod runs as non-root with a read-only root and no capabilities', async (t) => {
  for (const b of committedBuilds) {
    for (const o of b.objects.filter(hasPodTemplate)) {
      const spec = podTemplate(o).spec;
      const where = `${b.name}: ${o.kind} ${o.metadata.name}`;
      t.equal(spec.securityContext?.runAsNonRoot, true, `${where}: runAsNonRoot`);
      t.ok((spec.securityContext?.runAsUser ?? 0) > 0, `${where}: numeric non-root runAsUser`);
      t.equal(spec.securityContext?.seccompProfile?.type, 'RuntimeDefault', `${where}: seccomp RuntimeDefault`);
    }
  }
  for (const { where, c } of allContainers()) {
    t.equal(c.securityContext?.readOnlyRootFilesystem, true, `${where}: readOnlyRootFilesystem`);
    t.equal(c.securityContext?.allowPrivilegeEscalation, false, `${where}: allowPrivilegeEscalation false`);
    t.ok(c.securityContext?.capabilities?.drop?.includes('ALL'), `${where}: drops ALL capabilities`);
    t.same(c.securityContext?.capabilities?.add ?? [], [], `${where}: adds no capability`);
    t.notOk(c.securityContext?.privileged, `${where}: not privileged`);
  }
  const dockerfileUser = /^USER\s+(\d+)(?::\d+)?\s*$/m.exec(readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8'))?.[1];
  for (const name of APP_SERVICES) {
    t.equal(String(podTemplate(one(entry, 'Deployment', name)).spec.securityContext?.runAsUser), dockerfileUser, `${name}: runAsUser is the Dockerfile's USER`);
  }
});

t.test('shutdown: the grace period covers preStop plus SHUTDOWN_GRACE_MS', async (t) => {
  for (const name of APP_SERVICES) {
    const dep = one(entry, 'Deployment', name);
    const spec = podTemplate(dep).spec;
    const c = onlyContainer(dep);
    const preStopMs = (c.lifecycle?.preStop?.sleep?.seconds ?? 0) * 1000;
    const graceS = spec.terminationGracePeriodSeconds ?? 30;
    t.ok(graceS * 1000 > DEFAULTS.SHUTDOWN_GRACE_MS, `${name}: terminationGracePeriodSeconds ${graceS}s > SHUTDOWN_GRACE_MS`);
    t.ok(graceS * 1000 > DEFAULTS.SHUTDOWN_GRACE_MS + preStopMs, `${name}: ${graceS}s > preStop ${preStopMs}ms + grace ${DEFAULTS.SHUTDOWN_GRACE_MS}ms`);
  }
});

t.test('HPAs: autoscaling/v2, 1..3 replicas at 50% CPU, short scale-down, targets exist', async (t) => {
  for (const b of [{ name: 'k8s', objects: base }, { name: 'linkerd', objects: entry }]) {
    const hpas = find(b.objects, 'HorizontalPodAutoscaler');
    t.same(hpas.map((h) => h.metadata.name).sort(), [...APP_SERVICES].sort(), `${b.name}: one HPA per service`);
    for (const h of hpas) {
      t.equal(h.apiVersion, 'autoscaling/v2');
      const spec = h.spec as {
        scaleTargetRef: { apiVersion: string; kind: string; name: string };
        minReplicas: number;
        maxReplicas: number;
        metrics: { type: string; resource?: { name: string; target: { type: string; averageUtilization?: number } } }[];
        behavior?: { scaleDown?: { stabilizationWindowSeconds?: number } };
      };
      const where = `${b.name}: HPA ${h.metadata.name}`;
      t.same(spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: h.metadata.name }, `${where}: targets its Deployment`);
      const target = one(b.objects, 'Deployment', spec.scaleTargetRef.name);
      t.equal((target.spec as { replicas?: number }).replicas, undefined, `${where}: the Deployment leaves replicas to the HPA`);
      t.equal(spec.minReplicas, 1, `${where}: min 1`);
      t.equal(spec.maxReplicas, 3, `${where}: max 3`);
      t.same(spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }], `${where}: CPU 50%`);
      const window = spec.behavior?.scaleDown?.stabilizationWindowSeconds;
      t.ok(window !== undefined && window >= 30 && window <= 120, `${where}: scale-down window ${window}s is short (benchmark runs), not the 300s default`);
      for (const c of podTemplate(target).spec.containers) t.ok(c.resources?.requests?.cpu, `${where}: ${c.name} has the CPU request utilization is measured against`);
    }
    for (const s of find(b.objects, 'StatefulSet')) {
      t.notOk(hpas.some((h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === s.metadata.name), `${b.name}: ${s.metadata.name} is never autoscaled`);
    }
  }
});

t.test('stores: single-replica StatefulSets with volumes and pinned official images', async (t) => {
  const expected: Record<string, { image: RegExp; mount: string; port: number }> = {
    redis: { image: /^redis:\d+\.\d+\.\d+$/, mount: '/data', port: 6379 },
    mongodb: { image: /^mongo:\d+\.\d+\.\d+$/, mount: '/data/db', port: 27017 },
  };
  t.same(find(entry, 'StatefulSet').map((s) => s.metadata.name).sort(), Object.keys(expected).sort());
  for (const [name, want] of Object.entries(expected)) {
    const sts = one(entry, 'StatefulSet', name);
    const spec = sts.spec as { replicas: number; serviceName: string; volumeClaimTemplates: { metadata: { name: string }; spec: { resources: { requests: { storage: string } } } }[] };
    t.equal(spec.replicas, 1, `${name}: one replica`);
    t.equal(spec.serviceName, name, `${name}: serviceName`);
    const c = onlyContainer(sts);
    t.match(c.image, want.image, `${name}: official image with a full version tag`);
    const claim = spec.volumeClaimTemplates[0];
    t.ok(claim && quantity(claim.spec.resources.requests.storage) > 0, `${name}: a PersistentVolumeClaim template`);
    t.ok(c.volumeMounts?.some((m) => m.name === claim?.metadata.name && m.mountPath === want.mount), `${name}: data volume mounted at ${want.mount}`);
    t.ok(c.ports?.some((p) => p.containerPort === want.port), `${name}: port ${want.port}`);
    t.ok(c.readinessProbe && c.livenessProbe, `${name}: readiness and liveness probes`);
  }
  t.same((onlyContainer(one(entry, 'StatefulSet', 'redis')).args ?? []).slice(0, 2), ['--requirepass', '$(REDIS_PASSWORD)'], 'redis requires the password from the Secret');
});

