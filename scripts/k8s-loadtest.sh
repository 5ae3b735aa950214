#!/usr/bin/env bash
# One in-cluster k6 run against the ingress, with its own run id, in one command:
#
#   scripts/k8s-loadtest.sh                        # plain Job, profile "load", via the Gateway (Envoy)
#   SCENARIO=stress INGRESS=nginx scripts/k8s-loadtest.sh
#   SCENARIO=stress SETTINGS="RATE=1500 MAX_VUS=400" scripts/k8s-loadtest.sh
#   MODE=operator PARALLELISM=4 scripts/k8s-loadtest.sh   # k6-operator TestRun across 4 runner pods
#
# MODE         job (default) or operator (needs the k6-operator installed: docs/kubernetes.md)
# SCENARIO     the load profile the script selects: smoke, load (default), stress, spike, soak
# SETTINGS     more NAME=VALUE pairs for the script, space-separated (RATE, DURATION, MAX_VUS, ...:
#              loadtest/README.md)
# RUN_ID       default: a UTC timestamp (e.g. 20260815-143005); records carry it as X-Run-Id
# INGRESS      gateway (default: Envoy Gateway) or nginx: which ingress Service BASE_URL points at
# GATEWAY_API_VERSION  the Gateway API CRD bundle this setup is tested with (default v1.5.1, the
#              supported combination in docs/kubernetes.md); the run stops when the cluster has another
# BASE_URL     overrides INGRESS, e.g. http://my-ingress.example:80
# PARALLELISM  TestRun runner pods (operator mode; default 2)
# FOLLOW       1 (default) waits for the run, then gives its verdict (exit 0 only on PASS): every runner's
#              log, the stores through port-forwards, results/<run id>/summary.json; 0 returns at once
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
INGRESS="${INGRESS:-gateway}"
GATEWAY_API_VERSION="${GATEWAY_API_VERSION:-v1.5.1}"
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

# Linkerd's route and the Gateway are Gateway API objects: check the installed CRD bundle is the one
# the supported combination names (Linkerd 2.20 + Gateway API v1.5.1 + Envoy Gateway 1.8).
bundle=$(kubectl get crd httproutes.gateway.networking.k8s.io \
  -o jsonpath='{.metadata.annotations.gateway\.networking\.k8s\.io/bundle-version}') \
  || die "the Gateway API CRDs are not installed (docs/kubernetes.md, step 1)"
[[ "$bundle" == "$GATEWAY_API_VERSION" ]] \
  || die "the cluster's Gateway API CRDs are bundle ${bundle:-<none>}, but this setup is tested with $GATEWAY_API_VERSION (docs/kubernetes.md, supported versions); install that, or set GATEWAY_API_VERSION=${bundle:-<none>} to run anyway"

if [[ -z "${BASE_URL:-}" ]]; then
  case "$INGRESS" in
    gateway)
      # The Envoy Service's name is fixed by k8s/components/gateway-api/class/envoyproxy.yaml.
      kubectl get svc -n envoy-gateway-system splitbench-gateway >/dev/null \
        || die "no Service splitbench-gateway in envoy-gateway-system: install Envoy Gateway, apply k8s/components/gateway-api/class and linkerd/ (docs/kubernetes.md)"
      BASE_URL="http://splitbench-gateway.envoy-gateway-system.svc.cluster.local"
      ;;
    nginx) BASE_URL="http://ingress-nginx-controller.ingress-nginx.svc.cluster.local" ;;
    *) die "INGRESS must be gateway or nginx, got $INGRESS" ;;
  esac
fi

# What the verdict compares the end of the run with: the route the cluster applies and its pods (their
# restart counts) at the start. It reads the rest from the API server itself (k8s/verdict/cluster.ts).
OUT="results/$RUN_ID"
mkdir -p "$OUT/cluster"
kubectl get httproute -n "$NAMESPACE" course-split -o json > "$OUT/cluster/httproute-before.json" \
  || die "no HTTPRoute course-split in $NAMESPACE: apply linkerd/ first (docs/kubernetes.md, step 6)"
kubectl get pods -n "$NAMESPACE" -o json > "$OUT/cluster/pods-before.json"

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

# Wait for the run to end, streaming a plain Job's log (a TestRun's runners are many: its stage).
if [[ "$MODE" == job ]]; then
  selector="job-name=$name"
  kubectl wait -n "$NAMESPACE" --for=condition=Ready "pod" -l "$selector" --timeout=180s || true
  kubectl logs -n "$NAMESPACE" -f "job/$name" &
  streaming=$!
  # Complete or Failed: either way the verdict below says why. The log stream ends with the container
  # on a real node; stop it once the Job has ended in case it does not (a kwok node's never ends).
  kubectl wait -n "$NAMESPACE" --for=jsonpath='{.status.conditions[0].status}'=True "job/$name" --timeout=12h >/dev/null || true
  sleep 2
  kill "$streaming" 2>/dev/null || true
  wait "$streaming" 2>/dev/null || true
else
  selector="k6_cr=$name,runner=true"   # k6-operator's labels on its runner pods
  echo "== TestRun $name: waiting for stage finished (or error)"
  last=""
  for _ in $(seq 1 720); do
    stage=$(kubectl get testrun -n "$NAMESPACE" "$name" -o jsonpath='{.status.stage}' 2>/dev/null || true)
    [[ "$stage" != "$last" ]] && { echo "   stage: ${stage:-<none>}"; last="$stage"; }
    [[ "$stage" == finished || "$stage" == error ]] && break
    sleep 5
  done
  [[ "$stage" == finished || "$stage" == error ]] || die "TestRun $name did not finish within an hour (stage ${stage:-<none>})"
fi

# One verdict from every runner: their logs (ack lines and summary lines), the cluster's stores through
# port-forwards, and the same reconciliation, split test and summary.json as the local demo; the weights,
# pod restarts, runners' exit codes and the environment from the API server.
mkdir -p "$OUT/runners"
pods=$(kubectl get pods -n "$NAMESPACE" -l "$selector" -o name)
[[ -n "$pods" ]] || die "no runner pods for $name (selector $selector): were they cleaned up?"
for pod in $pods; do kubectl logs -n "$NAMESPACE" "$pod" > "$OUT/runners/${pod#pod/}.log"; done

forwards=()
cleanup() { for p in "${forwards[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
forward() { # service port -> sets FWD_PORT to the local port (not in a subshell: cleanup must see the pid)
  local log; log=$(mktemp)
  kubectl port-forward -n "$NAMESPACE" "svc/$1" ":$2" > "$log" 2>&1 &
  forwards+=($!)
  FWD_PORT=""
  for _ in $(seq 1 50); do
    FWD_PORT=$(sed -nE 's/^Forwarding from 127\.0\.0\.1:([0-9]+).*/\1/p' "$log" | head -1)
    [[ -n "$FWD_PORT" ]] && return
    sleep 0.2
  done
  die "kubectl port-forward svc/$1 did not start: $(cat "$log")"
}
secret() { kubectl get secret -n "$NAMESPACE" splitbench-stores -o "jsonpath={.data.$1}" | base64 -d; }
forward mongodb 27017; mongo_port=$FWD_PORT
forward redis 6379; redis_port=$FWD_PORT
mongo_url="mongodb://$(secret MONGO_USERNAME):$(secret MONGO_PASSWORD)@127.0.0.1:$mongo_port/?authSource=admin&directConnection=true"
redis_url="redis://:$(secret REDIS_PASSWORD)@127.0.0.1:$redis_port"
echo "== verdict of run $RUN_ID from $(ls "$OUT/runners" | wc -l) runner log(s)"
npx --no-install tsx k8s/verdict/main.ts --run-id "$RUN_ID" --out "$OUT" --namespace "$NAMESPACE" \
  --runner-selector "$selector" --mongo-url "$mongo_url" --redis-url "$redis_url" "$OUT"/runners/*.log
