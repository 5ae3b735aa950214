#!/usr/bin/env bash
# `npm run demo`: installs what the local benchmark needs on a fresh machine (npm packages,
# redis-server, k6 and FerretDB), then runs demo/main.ts with the given flags.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
for arg in "$@"; do
  if [[ "$arg" == "--help" || "$arg" == "-h" ]]; then
    bash scripts/ensure-npm.sh
    exec node --import tsx demo/main.ts --help
  fi
done
bash scripts/ensure-npm.sh
bash scripts/install-tools.sh
# A fresh install leaves hundreds of MB of dirty pages; their writeback would slow the stores' fsyncs
# in the middle of the measured run (seen: a first run's p99 at 456 ms, the next one's at 21 ms).
sync
exec node --import tsx demo/main.ts "$@"
