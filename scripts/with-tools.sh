#!/usr/bin/env bash
# `npm run demo` and `npm run capacity`: install what the local benchmark needs on a fresh machine (npm
# packages, redis-server, k6 and FerretDB), then run the given entry point with the given flags.
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
bash scripts/install-tools.sh
# A fresh install leaves hundreds of MB of dirty pages; their writeback would slow the stores' fsyncs
# in the middle of the measured run (seen: a first run's p99 at 456 ms, the next one's at 21 ms).
sync
exec node --import tsx "$entry" "$@"
