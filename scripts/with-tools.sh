#!/usr/bin/env bash
# `npm run demo`, `npm run capacity` and `npm run bench`: install what the local benchmark needs on a fresh machine (npm
# packages, redis-server, k6, FerretDB, Toxiproxy and Prometheus), then run the given entry point with the given flags.
#   bash scripts/with-tools.sh demo/main.ts [flags]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
entry="${1:?usage: scripts/with-tools.sh <entry.ts> [flags]}"
shift
for arg in "$@"; do
  if [[ "$arg" == "--help" || "$arg" == "-h" ]]; then
    bash scripts/ensure-npm.sh
    exec node --import tsx "$entry" --help
  fi
done
bash scripts/ensure-npm.sh
# SPLITBENCH_WITH_WRK=1 (set by `npm run bench`, which drives the services with wrk) also installs wrk.
bash scripts/install-tools.sh
# A fresh install leaves hundreds of MB of dirty pages; their writeback would slow the stores' fsyncs
# in the middle of the measured run (seen: a first run's p99 at 456 ms, the next one's at 21 ms).
sync
exec node --import tsx "$entry" "$@"
