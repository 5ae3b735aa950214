#!/usr/bin/env bash
# One in-cluster k6 run against the ingress, with its own run id, in one command:
#
#   scripts/k8s-loadtest.sh                        # plain Job, profile "load", via ingress-nginx
#   SCENARIO=stress INGRESS=gateway scripts/k8s-loadtest.sh
#   SCENARIO=stress SETTINGS="RATE=1500 MAX_VUS=400" scripts/k8s-loadtest.sh
#   MODE=operator PARALLELISM=4 scripts/k8s-loadtest.sh   # k6-operator TestRun across 4 runner pods
#
# MODE         job (default) or operator (needs the k6-operator installed: docs/kubernetes.md)
# SCENARIO     the load profile the script selects: smoke, load (default), stress, spike, soak
# SETTINGS     more NAME=VALUE pairs for the script, space-separated (RATE, DURATION, MAX_VUS, ...:
#              loadtest/README.md)
# RUN_ID       default: a UTC timestamp (e.g. 20260815-143005); records carry it as X-Run-Id
# INGRESS      nginx (default) or gateway: which ingress Service BASE_URL points at
# BASE_URL     overrides INGRESS, e.g. http://my-ingress.example:80
# PARALLELISM  TestRun runner pods (operator mode; default 2)
# FOLLOW       1 (default) waits for the run and streams its logs; 0 returns after creating it
# NAMESPACE    default: splitbench
#
# Renders k8s/loadtest/<mode> (ConfigMaps from loadtest/*.ts and data/pool.json, plus the Job or
# TestRun named k6-<run id>) with k8s/loadtest/render.ts and applies it server-side (large ConfigMaps
# exceed client-side apply's annotation limit). Never sets K6_VUS & co.: they would replace the scenarios.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

MODE="${MODE:-job}"
SCENARIO="${SCENARIO:-load}"
RUN_ID="${RUN_ID:-$(date -u +%Y%m%d-%H%M%S)}"
INGRESS="${INGRESS:-nginx}"
PARALLELISM="${PARALLELISM:-2}"
FOLLOW="${FOLLOW:-1}"
NAMESPACE="${NAMESPACE:-splitbench}"

die() { echo "k8s-loadtest.sh: $*" >&2; exit 2; }

[[ "$MODE" == job || "$MODE" == operator ]] || die "MODE must be job or operator, got $MODE"
for f in loadtest/main.ts loadtest/profiles.ts; do
  [[ -f "$f" ]] || die "$f is missing: the k6 scripts live in loadtest/"
done
if [[ ! -f data/pool.json ]]; then
  echo "== data/pool.json is missing; generating 2000 records (npm run gen)"
  npm run --silent gen -- --count 2000 --out data/pool.json --quiet
fi
# A ConfigMap holds at most 1 MiB.
size=$(wc -c < data/pool.json)
(( size < 1000000 )) || die "data/pool.json is $size bytes; a ConfigMap holds under 1 MiB: generate fewer records (npm run gen -- --count 2000 --out data/pool.json)"

if [[ -z "${BASE_URL:-}" ]]; then
  case "$INGRESS" in
    nginx) BASE_URL="http://ingress-nginx-controller.ingress-nginx.svc.cluster.local" ;;
    gateway)
      svc=$(kubectl get svc -n envoy-gateway-system \
        -l "gateway.envoyproxy.io/owning-gateway-name=splitbench,gateway.envoyproxy.io/owning-gateway-namespace=$NAMESPACE" \
        -o jsonpath='{.items[0].metadata.name}') || true
      [[ -n "${svc:-}" ]] || die "no Envoy Service for Gateway splitbench in envoy-gateway-system; is k8s/components/gateway-api applied?"
      BASE_URL="http://$svc.envoy-gateway-system.svc.cluster.local"
      ;;
    *) die "INGRESS must be nginx or gateway, got $INGRESS" ;;
  esac
fi

echo "== run $RUN_ID: mode=$MODE scenario=$SCENARIO base_url=$BASE_URL"
args=(--mode "$MODE" --run-id "$RUN_ID" --base-url "$BASE_URL" --scenario "$SCENARIO")
[[ "$MODE" == operator ]] && args+=(--parallelism "$PARALLELISM")
for pair in ${SETTINGS:-}; do args+=(--set "$pair"); done
npx --no-install tsx k8s/loadtest/render.ts "${args[@]}" | kubectl apply --server-side -n "$NAMESPACE" -f -

name=$(npx --no-install tsx k8s/loadtest/render.ts --run-id "$RUN_ID" --print-name)
if [[ "$FOLLOW" != 1 ]]; then
  echo "== created $name; follow with: kubectl logs -n $NAMESPACE -f job/$name"
  exit 0
fi

if [[ "$MODE" == job ]]; then
  kubectl wait -n "$NAMESPACE" --for=condition=Ready "pod" -l "job-name=$name" --timeout=180s || true
  kubectl logs -n "$NAMESPACE" -f "job/$name"
  # The Job's condition tells whether k6 passed its thresholds (exit code 0) or not.
  kubectl wait -n "$NAMESPACE" --for=condition=Complete "job/$name" --timeout=60s \
    && echo "== run $RUN_ID complete" \
    || { echo "== run $RUN_ID failed (k6 exited non-zero: thresholds or errors); see the logs above" >&2; exit 1; }
else
  echo "== TestRun $name created; stage:"
  kubectl get testrun -n "$NAMESPACE" "$name" -w
fi
