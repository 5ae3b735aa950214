#!/usr/bin/env bash
# Builds the simulated Kubernetes cluster's tools from the Go module proxy, once per machine:
#   kube-apiserver, kube-controller-manager, kube-scheduler, kubectl   tools/kubernetes (k8s.io/kubernetes)
#   etcd                                                               tools/etcd (go.etcd.io/etcd/server/v3)
#   kwok, kwokctl                                                      tools/kwok (sigs.k8s.io/kwok)
#   metrics-server                                                     tools/metrics-server
# Each binary is cached in ${SPLITBENCH_CACHE:-~/.cache/splitbench}/bin/<name>-<key>, keyed by its
# module's go.mod, go.sum and build flags, and linked into .tools/k8s/bin. The cold build takes about
# 18 minutes on 2 cores (kube-apiserver alone about 10); a warm one takes a second.
# Usage: scripts/install-k8s-tools.sh [--check]   (--check: build nothing, exit 1 if anything is missing)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/.tools/k8s/bin"
CACHE="${SPLITBENCH_CACHE:-$HOME/.cache/splitbench}"
KUBE_VERSION=v1.36.3 # keep equal to tools/kubernetes/go.mod's k8s.io/kubernetes

log() { printf '[install-k8s-tools] %s\n' "$*" >&2; }
die() { printf '[install-k8s-tools] error: %s\n' "$*" >&2; exit 1; }

check_only=0
case "${1:-}" in
  --help|-h) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  --check) check_only=1 ;;
  "") ;;
  *) die "unknown argument '$1' (try --help)" ;;
esac

grep -q "k8s.io/kubernetes $KUBE_VERSION\$" "$ROOT/tools/kubernetes/go.mod" \
  || die "tools/kubernetes/go.mod does not require k8s.io/kubernetes $KUBE_VERSION: update KUBE_VERSION in $0"

# Components compare each other's versions (kubectl warns, kwokctl picks flags by the apiserver's
# version), so stamp the real one instead of Go's "v0.0.0-master".
kube_ldflags() {
  local minor=${KUBE_VERSION#v1.}; minor=${minor%%.*}
  local v
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    v+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    v+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  echo "-s -w$v"
}

# name, module dir, package, ldflags
targets=(
  "etcd|tools/etcd|.|-s -w"
  "kwok|tools/kwok|sigs.k8s.io/kwok/cmd/kwok|-s -w"
  "kwokctl|tools/kwok|sigs.k8s.io/kwok/cmd/kwokctl|-s -w"
  "metrics-server|tools/metrics-server|sigs.k8s.io/metrics-server/cmd/metrics-server|-s -w"
  "kubectl|tools/kubernetes|k8s.io/kubernetes/cmd/kubectl|$(kube_ldflags)"
  "kube-scheduler|tools/kubernetes|k8s.io/kubernetes/cmd/kube-scheduler|$(kube_ldflags)"
  "kube-controller-manager|tools/kubernetes|k8s.io/kubernetes/cmd/kube-controller-manager|$(kube_ldflags)"
  "kube-apiserver|tools/kubernetes|k8s.io/kubernetes/cmd/kube-apiserver|$(kube_ldflags)"
)

cached_path() { # name, module dir, package, ldflags
  local key
  key=$( { cat "$ROOT/$2"/go.mod "$ROOT/$2"/go.sum; echo "$3|$4"; } | sha256sum | cut -c1-16)
  echo "$CACHE/bin/$1-$key"
}

missing=()
for t in "${targets[@]}"; do
  IFS='|' read -r name dir pkg flags <<<"$t"
  [[ -x "$(cached_path "$name" "$dir" "$pkg" "$flags")" ]] || missing+=("$name")
done

if (( check_only )); then
  if (( ${#missing[@]} )); then
    log "missing: ${missing[*]}; build them with: bash scripts/install-k8s-tools.sh (about 18 min cold)"
    exit 1
  fi
fi

mkdir -p "$BIN" "$CACHE/bin"
n=0
for t in "${targets[@]}"; do
  IFS='|' read -r name dir pkg flags <<<"$t"
  n=$((n + 1))
  cached=$(cached_path "$name" "$dir" "$pkg" "$flags")
  if [[ ! -x "$cached" ]]; then
    command -v go >/dev/null || die "go (1.26+) is needed to build $name: install it and retry"
    log "[$n/${#targets[@]}] building $name from the Go module proxy ($dir) ..."
    start=$SECONDS
    # Two compile jobs at a time: the machine has two cores and other work shares them. Never fall
    # back to direct VCS fetches (no network but the registries).
    (cd "$ROOT/$dir" && CGO_ENABLED=0 GOFLAGS="-mod=readonly -p=2" \
      GOPROXY="${GOPROXY_SPLITBENCH:-https://proxy.golang.org}" \
      go build -trimpath -ldflags "$flags" -o "$cached.tmp" "$pkg") \
      || die "building $name failed (see the go output above); retry with: bash scripts/install-k8s-tools.sh"
    mv "$cached.tmp" "$cached"
    log "[$n/${#targets[@]}] built $name in $((SECONDS - start)) s"
  fi
  ln -sf "$cached" "$BIN/$name"
done
# The CRDs the simulation installs live in these pinned modules (tools/crds/go.mod, checked against go.sum).
(cd "$ROOT/tools/crds" && GOFLAGS=-mod=readonly GOPROXY="${GOPROXY_SPLITBENCH:-https://proxy.golang.org}" \
  go mod download sigs.k8s.io/gateway-api github.com/envoyproxy/gateway) \
  || die "downloading the CRD modules (tools/crds) failed"
log "Kubernetes tools ready in $BIN"
