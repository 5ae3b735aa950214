/**
 * Where the simulated cluster's binaries and upstream files come from: the binaries that
 * scripts/install-k8s-tools.sh builds from tools/{kubernetes,etcd,kwok,metrics-server} and links into
 * .tools/k8s/bin, and the CRDs and manifests inside the pinned Go modules (tools/crds, tools/kwok,
 * tools/metrics-server), found with `go mod download -json` (verified against each go.sum).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../lib/kustomize.js';

export const SIM_BIN = path.join(REPO_ROOT, '.tools', 'k8s', 'bin');
export const BINARIES = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl', 'etcd', 'kwok', 'kwokctl', 'metrics-server'] as const;
export type Binary = (typeof BINARIES)[number];
export const BUILD_COMMAND = 'bash scripts/install-k8s-tools.sh';

export class MissingToolsError extends Error {
  override name = 'MissingToolsError';
}

export function binary(name: Binary): string {
  return path.join(SIM_BIN, name);
}

/** The message of requireTools' MissingToolsError, or undefined when the tools are built: for a test to fail with. */
export function missingTools(): string | undefined {
  try {
    requireTools();
    return undefined;
  } catch (err) {
    if (err instanceof MissingToolsError) return err.message;
    throw err;
  }
}

/**
 * Throws MissingToolsError with the command to run when a binary is missing or stale (its cached
 * build does not match tools/*'s go.mod and go.sum): `install-k8s-tools.sh --check` decides.
 */
export function requireTools(): void {
  const check = spawnSync('bash', [path.join(REPO_ROOT, 'scripts', 'install-k8s-tools.sh'), '--check'], { cwd: REPO_ROOT, encoding: 'utf8' });
  const missing = BINARIES.filter((b) => !existsSync(binary(b)));
  if (check.status !== 0 || missing.length > 0) {
    throw new MissingToolsError(
      `the simulated cluster's tools are not built${missing.length ? ` (missing: ${missing.join(', ')})` : ''}: run \`${BUILD_COMMAND}\` ` +
        `(about 18 minutes cold on 2 cores, cached in ~/.cache/splitbench)\n${check.stderr.trim()}`,
    );
  }
}

/**
 * requireTools(), building the tools first when they are missing (once per machine): the build's
 * progress lines ("[install-k8s-tools] [3/8] building ...") go to `log` as they come. Resolves with
 * the build's seconds (null when nothing was built); throws MissingToolsError when the build fails.
 */
export async function ensureTools(log: (line: string) => void, signal?: AbortSignal): Promise<number | null> {
  try {
    requireTools();
    return null;
  } catch (err) {
    if (!(err instanceof MissingToolsError)) throw err;
  }
  log(`the control plane's tools are not built yet: building them once per machine with ${BUILD_COMMAND} (about 18 minutes cold on 2 cores; later runs take them from ~/.cache/splitbench)`);
  const started = Date.now();
  await new Promise<void>((resolve) => {
    const child = spawn('bash', [path.join(REPO_ROOT, 'scripts', 'install-k8s-tools.sh')], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], ...(signal ? { signal } : {}) });
    let partial = '';
    const lines = (d: Buffer): void => {
      const all = (partial + d.toString()).split('\n');
      partial = all.pop() ?? '';
      for (const l of all) if (l.trim() !== '') log(l);
    };
    child.stdout.on('data', lines);
    child.stderr.on('data', lines);
    child.on('error', () => {});
    child.on('close', () => {
      if (partial.trim() !== '') log(partial);
      resolve();
    });
  });
  const seconds = Math.round((Date.now() - started) / 1000);
  try {
    requireTools();
  } catch (err) {
    throw new MissingToolsError(`building the tools failed after ${seconds} s (see the lines above); fix that, then run \`${BUILD_COMMAND}\`\n${(err as Error).message}`);
  }
  log(`built the control plane's tools in ${seconds} s`);
  return seconds;
}

/** Each binary's own `--version` line (kubectl's client version). */
export function toolVersions(names: readonly Binary[] = BINARIES): Record<string, string> {
  const v: Record<string, string> = {};
  for (const b of names) {
    const r = spawnSync(binary(b), b === 'kubectl' ? ['version', '--client'] : ['--version'], { encoding: 'utf8', timeout: 20_000 });
    v[b] = ((r.stdout ?? '') || (r.stderr ?? '')).split('\n').find((l) => /v?\d+\.\d+\.\d+/.test(l))?.trim() ?? `exit ${r.status ?? -1}`;
  }
  return v;
}

/** The upstream module folders the simulation reads files from. */
export interface ModuleDirs {
  gatewayApi: string;
  envoyGateway: string;
  kwok: string;
  metricsServer: string;
}

/** Module path -> { dir, version } via `go mod download -json`, run in the tools module that pins it. */
function download(toolsDir: string, modules: string[]): Map<string, { dir: string; version: string }> {
  let out: string;
  try {
    out = execFileSync('go', ['mod', 'download', '-json', ...modules], {
      cwd: path.join(REPO_ROOT, 'tools', toolsDir),
      encoding: 'utf8',
      env: { ...process.env, GOFLAGS: '-mod=readonly', GOPROXY: process.env.GOPROXY_SPLITBENCH ?? 'https://proxy.golang.org' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`go mod download in tools/${toolsDir} failed (needs the Go module proxy): ${e.stderr ?? e.message}`, { cause: err });
  }
  // `go mod download -json` prints one JSON object per module, back to back.
  const found = new Map<string, { dir: string; version: string }>();
  for (const chunk of out.split(/\n(?=\{)/)) {
    const m = JSON.parse(chunk) as { Path: string; Version: string; Dir?: string; Error?: string };
    if (m.Error !== undefined || m.Dir === undefined) throw new Error(`go mod download ${m.Path}: ${m.Error ?? 'no Dir'}`);
    found.set(m.Path, { dir: m.Dir, version: m.Version });
  }
  return found;
}

export const MODULES = {
  gatewayApi: 'sigs.k8s.io/gateway-api',
  envoyGateway: 'github.com/envoyproxy/gateway',
  kwok: 'sigs.k8s.io/kwok',
  metricsServer: 'sigs.k8s.io/metrics-server',
} as const;

export function resolveModules(): ModuleDirs & { versions: Record<string, string> } {
  const crds = download('crds', [MODULES.gatewayApi, MODULES.envoyGateway]);
  const kwok = download('kwok', [MODULES.kwok]);
  const ms = download('metrics-server', [MODULES.metricsServer]);
  const get = (m: Map<string, { dir: string; version: string }>, p: string): { dir: string; version: string } => {
    const v = m.get(p);
    if (v === undefined) throw new Error(`go mod download did not report ${p}`);
    return v;
  };
  const all = { gatewayApi: get(crds, MODULES.gatewayApi), envoyGateway: get(crds, MODULES.envoyGateway), kwok: get(kwok, MODULES.kwok), metricsServer: get(ms, MODULES.metricsServer) };
  return {
    gatewayApi: all.gatewayApi.dir,
    envoyGateway: all.envoyGateway.dir,
    kwok: all.kwok.dir,
    metricsServer: all.metricsServer.dir,
    versions: Object.fromEntries(Object.entries(all).map(([k, v]) => [MODULES[k as keyof typeof MODULES], v.version])),
  };
}
