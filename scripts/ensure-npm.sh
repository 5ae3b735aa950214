#!/usr/bin/env bash
# Runs `npm ci` when node_modules is missing or package-lock.json changed since the last install
# (a stamp in node_modules remembers the lock's hash). Shared by `npm test` and `npm run demo`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
stamp="node_modules/.splitbench-lock-sha"
want=$(sha256sum package-lock.json | cut -c1-64)
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  echo "installing npm packages (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
  echo "$want" > "$stamp"
fi
