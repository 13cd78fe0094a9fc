#!/usr/bin/env bash
# Installs the Debian packages that integration tests run as real processes, when missing:
#   prometheus-alertmanager   a real Alertmanager (API v2) for AlertmanagerSenderIT
# The tests start each program themselves, on a free loopback port with a throw-away config and data
# directory, and stop it afterwards; the packaged services are never started (policy-rc.d answers
# 101 while installing, and the package's service is disabled and stopped if the system runs one).
# Idempotent; needs root only when something must be installed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

say() { echo "test-tools: $*" >&2; }
die() { echo "test-tools: $*" >&2; exit 1; }

missing=()
[ -x /usr/bin/prometheus-alertmanager ] || missing+=(prometheus-alertmanager)
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
[ "$(id -u)" -eq 0 ] || die "needs root to apt-get install ${missing[*]}"
mkdir -p .data
log=.data/apt-test-tools.log
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && made_policy=1
fi
say "installing ${missing[*]} (log: $log)"
rc=0
{ DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >>"$log" 2>&1 \
  || { apt-get update >>"$log" 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >>"$log" 2>&1; }; } || rc=$?
[ "$made_policy" -eq 1 ] && rm -f "$policy"
[ "$rc" -eq 0 ] || die "apt-get install ${missing[*]} failed; see $log"
# Where systemd runs, keep the packaged Alertmanager (port 9093, /var/lib) off: tests run their own.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl disable --now prometheus-alertmanager >>"$log" 2>&1 || true
fi
say "installed ${missing[*]}"
