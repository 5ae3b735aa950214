#!/usr/bin/env bash
# Installs the browser the run report's tests drive: Debian's chromium (/usr/bin/chromium), headless.
# Idempotent: does nothing when /usr/bin/chromium is there. Never downloads a browser of a test tool
# (playwright's own download is unreachable here); playwright-core drives Debian's build.
set -euo pipefail
log() { printf '[install-browser] %s\n' "$*" >&2; }

if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
[[ -x /usr/bin/chromium ]] && exit 0

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { log "chromium is missing and I am not root: run 'sudo apt-get install -y chromium' and retry"; exit 1; }
  sudo="sudo"
fi
log "installing chromium with apt-get (for the report's browser tests)"
$sudo apt-get update -qq >/dev/null || log "apt-get update failed; trying the install anyway"
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null \
  || { log "apt-get install chromium failed; install it by hand and retry"; exit 1; }
[[ -x /usr/bin/chromium ]] || { log "apt-get installed chromium but /usr/bin/chromium is missing"; exit 1; }
log "chromium ready: $(/usr/bin/chromium --version 2>/dev/null || echo '?')"
