/**
 * The images, as far as can be checked without a container engine (none on these machines): the
 * Dockerfile's targets, commands and user agree with the services and manifests; tsconfig.build.json
 * really emits dist/<service>/main.js, which runs (--help) beside package.json and node_modules as in
 * the image; the compiled proto loader finds the .proto files where the Dockerfile puts them; scripts/images.sh tags what the manifests pin and refuses `latest`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { DEFAULT_PORTS, SERVICES } from '../contract/services.js';
import { REPO_ROOT } from './lib/kustomize.js';

const APP_SERVICES = [SERVICES.grpcClient, SERVICES.grpcServer, SERVICES.redisWriter] as const;
const PORTS: Record<string, number[]> = {
  'grpc-client': [DEFAULT_PORTS.grpcClient],
  'grpc-server': [DEFAULT_PORTS.grpcServer, DEFAULT_PORTS.grpcServerHttp],
  'redis-writer': [DEFAULT_PORTS.redisWriter],
};
const dockerfile = readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');
const packageVersion = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** Splits the Dockerfile into stages: name -> instruction lines (comments and continuations joined). */
function stages(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  const joined = text.replace(/\\\n/g, ' ').split('\n').filter((l) => !/^\s*#/.test(l) && l.trim() !== '');
  for (const line of joined) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) {
      current = [line];
      out.set(from[2] ?? `stage${out.size}`, current);
    } else current?.push(line.trim());
  }
  return out;
}

t.test('Dockerfile: a Node LTS base, one target per service running dist/<service>/main.js', async (t) => {
  const base = /^ARG NODE_IMAGE=node:(\d+)-/m.exec(dockerfile);
  t.ok(base, 'the base image is a build argument with a default');
  const major = Number(base?.[1]);
  t.ok(major >= 22 && major % 2 === 0, `node:${major} is an even (LTS) major at or above 22`);
  const s = stages(dockerfile);
  for (const name of APP_SERVICES) {
    const stage = s.get(name);
    t.ok(stage, `target ${name} exists`);
    t.match(stage?.[0], new RegExp(`^FROM runtime AS ${name}$`), `${name} builds on the shared runtime stage`);
    t.ok(stage?.includes(`CMD ["node", "dist/${name}/main.js"]`), `${name}: CMD runs dist/${name}/main.js`);
    const exposed = (stage?.find((l) => l.startsWith('EXPOSE')) ?? '').split(/\s+/).slice(1).map(Number);
    t.same(exposed, PORTS[name], `${name}: EXPOSE the contract ports`);
  }
  const runtime = s.get('runtime') ?? [];
  t.ok(runtime.some((l) => /^USER\s+[1-9]\d*:[1-9]\d*$/.test(l)), 'runtime runs as a numeric non-root user');
  t.ok(runtime.includes('ENV NODE_ENV=production'));
  t.ok(runtime.some((l) => l.startsWith('COPY --from=prod-deps /app/node_modules')), 'runtime takes node_modules from the production-only stage');
  t.notOk(runtime.some((l) => /npm (ci|install)/.test(l)), 'runtime installs nothing itself');
  t.ok((s.get('prod-deps') ?? []).some((l) => /npm ci --omit=dev/.test(l)), 'production dependencies only (npm ci --omit=dev)');
  const build = (s.get('build') ?? []).join('\n');
  t.match(build, /npx tsc -p tsconfig\.build\.json/, 'build compiles with tsconfig.build.json');
  t.match(build, /find \. -name '\*\.proto' -exec cp --parents '\{\}' \.\.\/dist\/proto\//, 'build copies the .proto files into dist/proto');
  t.notMatch(dockerfile, /:latest\b/, 'no latest tags');
});

t.test('.dockerignore keeps dependencies, outputs and secrets out of the build context', async (t) => {
  const ignored = readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const p of ['node_modules', '.git', 'dist', '.tools', 'data', 'results', '**/secrets.env']) t.ok(ignored.includes(p), `ignores ${p}`);
  for (const p of ['proto', 'contract', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', ...APP_SERVICES]) {
    t.notOk(ignored.includes(p), `keeps ${p} (the build needs it)`);
  }
});

t.test('tsconfig.build.json emits runnable JavaScript where the Dockerfile expects it', async (t) => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'splitbench-dist-'));
  try {
    const tsc = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', out], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    t.equal(tsc.status, 0, `tsc -p tsconfig.build.json succeeds ${tsc.stdout}${tsc.stderr}`);
    for (const name of APP_SERVICES) t.ok(existsSync(path.join(out, name, 'main.js')), `emits ${name}/main.js (the Dockerfile's CMD)`);
    t.ok(existsSync(path.join(out, 'proto', 'options.js')), 'emits proto/options.js');
    t.notOk(existsSync(path.join(out, 'contract', 'grade.test.js')), 'leaves the tests out');
    t.notOk(existsSync(path.join(out, 'k8s')), 'leaves the manifests and their tests out');

    // The runtime stage has production dependencies only: every package the compiled code imports must be one.
    const deps = new Set(Object.keys((JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies));
    const imported = new Set<string>();
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.js')) {
          for (const m of readFileSync(p, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"]([^'"./][^'"]*)['"]/g)) {
            const spec = m[1] as string;
            if (spec.startsWith('node:')) continue;
            imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string));
          }
        }
      }
    };
    walk(out);
    t.ok(imported.size > 0, `the compiled services import packages: ${[...imported].sort().join(', ')}`);
    for (const pkg of imported) t.ok(deps.has(pkg), `${pkg} is a production dependency (npm ci --omit=dev installs it)`);

    // The image layout: dist/ beside package.json ("type": "module") and node_modules, with the .proto
    // files copied the Dockerfile's way. The compiled loader must find them through PROTO_ROOT.
    execFileSync('sh', ['-c', `find . -name '*.proto' -exec cp --parents '{}' '${path.join(out, 'proto')}/' ';'`], { cwd: path.join(REPO_ROOT, 'proto') });
    const app = mkdtempSync(path.join(os.tmpdir(), 'splitbench-app-'));
    try {
      cpSync(out, path.join(app, 'dist'), { recursive: true });
      writeFileSync(path.join(app, 'package.json'), readFileSync(path.join(REPO_ROOT, 'package.json')));
      symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(app, 'node_modules'));
      const load = spawnSync(process.execPath, ['--input-type=module', '-e',
        "const { loadProtos } = await import('./dist/proto/load.js'); const p = loadProtos(); " +
        "console.log(typeof p.grades.grades.v1.GradeService, typeof p.health.grpc.health.v1.Health);"], { cwd: app, encoding: 'utf8' });
      t.equal(load.status, 0, `the compiled proto loader runs from dist/ ${load.stderr}`);
      t.equal(load.stdout.trim(), 'function function', 'and finds grades.v1.GradeService and grpc.health.v1.Health');
      // Each image's CMD, with --help: loads the whole compiled module graph, then exits without listening.
      for (const name of APP_SERVICES) {
        const run = spawnSync(process.execPath, [`dist/${name}/main.js`, '--help'], { cwd: app, encoding: 'utf8', timeout: 30_000 });
        t.equal(run.status, 0, `node dist/${name}/main.js --help runs from the image layout ${run.stderr}`);
        t.match(run.stdout, new RegExp(`^${name}:`), `${name}: prints its usage`);
      }
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

function images(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', [path.join(REPO_ROOT, 'scripts', 'images.sh'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

t.test('scripts/images.sh: default references match the manifests; latest refused; pin rewrites images', async (t) => {
  const printed = images(['print']);
  t.equal(printed.status, 0, printed.stderr);
  // grades-api is built with them; grafana/k8s/kustomization.yaml pins it (grafana/k8s.test.ts checks that side).
  const appPrinted = printed.stdout.trim().split('\n').filter((l) => !l.startsWith('splitbench/grades-api:'));
  t.same(appPrinted, APP_SERVICES.map((s) => `splitbench/${s}:${packageVersion}`), 'default REGISTRY splitbench, TAG = package.json version');
  const kustomization = parse(readFileSync(path.join(REPO_ROOT, 'k8s', 'kustomization.yaml'), 'utf8')) as { images: { name: string; newName: string; newTag: string }[] };
  t.same(kustomization.images.map((i) => `${i.newName}:${i.newTag}`), appPrinted, 'k8s/kustomization.yaml pins exactly what a default build tags');

  const latest = images(['print'], { TAG: 'latest' });
  t.equal(latest.status, 2, 'TAG=latest exits 2');
  t.match(latest.stderr, /latest is refused/);
  t.equal(images(['print'], { REGISTRY: 'Bad Registry' }).status, 2, 'an invalid registry exits 2');
  t.equal(images(['frobnicate']).status, 2, 'an unknown command prints usage and exits 2');

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'splitbench-images-'));
  try {
    const file = path.join(tmp, 'kustomization.yaml');
    cpSync(path.join(REPO_ROOT, 'k8s', 'kustomization.yaml'), file);
    const grafanaFile = path.join(tmp, 'grafana-kustomization.yaml');
    cpSync(path.join(REPO_ROOT, 'grafana', 'k8s', 'kustomization.yaml'), grafanaFile);
    const pinned = images(['pin'], { REGISTRY: 'ghcr.io/example/', TAG: 'abc1234', KUSTOMIZATION: file, GRAFANA_KUSTOMIZATION: grafanaFile });
    t.equal(pinned.status, 0, pinned.stderr);
    const after = parse(readFileSync(file, 'utf8')) as typeof kustomization & Record<string, unknown>;
    t.same(after.images, APP_SERVICES.map((s) => ({ name: s, newName: `ghcr.io/example/${s}`, newTag: 'abc1234' })), 'pin points every service at the registry and tag');
    const { images: _a, ...restAfter } = after;
    const { images: _b, ...restBefore } = kustomization as typeof kustomization & Record<string, unknown>;
    t.same(restAfter, restBefore, 'and changes nothing else');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
