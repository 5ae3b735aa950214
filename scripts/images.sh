#!/usr/bin/env bash
# Builds, pushes and pins the service images (one Dockerfile, one target per service): the three of
# the write path (k8s/) and grades-api, the read-only view Grafana reads (grafana/k8s/).
#
#   REGISTRY=ghcr.io/you TAG=0.1.0 scripts/images.sh build   # docker build --target <service> ...
#   REGISTRY=ghcr.io/you TAG=0.1.0 scripts/images.sh push    # docker push
#   REGISTRY=ghcr.io/you TAG=0.1.0 scripts/images.sh pin     # point the kustomizations at them
#   REGISTRY=ghcr.io/you TAG=0.1.0 scripts/images.sh all     # build, push, pin
#   scripts/images.sh print                                  # the image references, one a line
#
# REGISTRY  repository prefix (default: splitbench, i.e. local images for kind/minikube/k3d: load them
#           with `kind load docker-image splitbench/grpc-client:<tag>` etc. instead of pushing)
# TAG       image tag (default: the version in package.json). Never `latest`: a moving tag makes two
#           runs of the benchmark incomparable and hides which code produced a result.
# DOCKER    the container CLI (default: docker; podman works too)
# PLATFORM  optional, e.g. linux/amd64 for a cluster whose nodes differ from this machine
# KUSTOMIZATION  the file `pin` edits for the write path (default: k8s/kustomization.yaml)
# GRAFANA_KUSTOMIZATION  the file `pin` edits for grades-api (default: grafana/k8s/kustomization.yaml)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SERVICES=(grpc-client grpc-server redis-writer grades-api)
REGISTRY="${REGISTRY:-splitbench}"
REGISTRY="${REGISTRY%/}"
TAG="${TAG:-$(node -p "require('./package.json').version")}"
DOCKER="${DOCKER:-docker}"
KUSTOMIZATION="${KUSTOMIZATION:-k8s/kustomization.yaml}"
GRAFANA_KUSTOMIZATION="${GRAFANA_KUSTOMIZATION:-grafana/k8s/kustomization.yaml}"

die() { echo "images.sh: $*" >&2; exit 2; }

[[ "$TAG" == "latest" ]] && die "TAG=latest is refused: pick a concrete tag (a version or a git commit, e.g. TAG=\$(git rev-parse --short HEAD))"
[[ "$TAG" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || die "TAG=$TAG is not a valid image tag"
[[ "$REGISTRY" =~ ^[a-z0-9]([a-z0-9._:/-]*[a-z0-9])?$ ]] || die "REGISTRY=$REGISTRY is not a valid repository prefix (lower case, e.g. ghcr.io/you)"

image() { echo "$REGISTRY/$1:$TAG"; }

build() {
  local platform=()
  [[ -n "${PLATFORM:-}" ]] && platform=(--platform "$PLATFORM")
  for s in "${SERVICES[@]}"; do
    echo "== build $(image "$s")"
    "$DOCKER" build "${platform[@]}" --target "$s" -t "$(image "$s")" .
  done
}

push() {
  for s in "${SERVICES[@]}"; do
    echo "== push $(image "$s")"
    "$DOCKER" push "$(image "$s")"
  done
}

# The kustomization that deploys a service: grades-api ships with Grafana, the others with the app.
kustomization_of() { if [[ "$1" == grades-api ]]; then echo "$GRAFANA_KUSTOMIZATION"; else echo "$KUSTOMIZATION"; fi; }

# Rewrites newName/newTag of each service's entry under `images:` (what `kustomize edit set image` does,
# without needing the kustomize binary).
pin() {
  local s file
  for s in "${SERVICES[@]}"; do
    file=$(kustomization_of "$s")
    [[ -f "$file" ]] || die "$file not found"
    grep -qE "^  - name: $s\$" "$file" || die "$file has no images entry '  - name: $s'"
    sed -i -E "/^  - name: $s\$/,/newTag:/{s#^(    newName: ).*#\\1$REGISTRY/$s#;s#^(    newTag: ).*#\\1\"$TAG\"#}" "$file"
  done
  for file in "$KUSTOMIZATION" "$GRAFANA_KUSTOMIZATION"; do
    echo "== pinned in $file:"
    grep -A2 -E "^  - name: ($(IFS='|'; echo "${SERVICES[*]}"))\$" "$file"
  done
}

case "${1:-}" in
  build) build ;;
  push) push ;;
  pin) pin ;;
  all) build; push; pin ;;
  print) for s in "${SERVICES[@]}"; do image "$s"; done ;;
  *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
