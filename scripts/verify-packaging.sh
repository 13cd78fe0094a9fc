#!/usr/bin/env bash
# Checks packaging/heliograph-agent.service with `systemd-analyze verify` when systemd is present
# (skipped with a note otherwise). The unit's ExecStart names the installed path
# (/opt/heliograph/bin/heliograph); the check points it at this checkout's bin/heliograph, since
# verify also requires the executable to exist.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "verify-packaging: systemd-analyze not found; skipping the unit file check"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sed "s|/opt/heliograph/bin/heliograph|$root/bin/heliograph|" "$root/packaging/heliograph-agent.service" \
  > "$work/heliograph-agent.service"
if ! out="$(systemd-analyze verify "$work/heliograph-agent.service" 2>&1)"; then
  echo "verify-packaging: packaging/heliograph-agent.service is invalid:" >&2
  echo "$out" >&2
  exit 1
fi
# Lines about units of the host (missing targets in a container) are not about our file.
if echo "$out" | grep -v -e 'sysinit.target' -e '^$' | grep -q 'heliograph-agent.service'; then
  echo "verify-packaging: packaging/heliograph-agent.service has problems:" >&2
  echo "$out" >&2
  exit 1
fi
echo "verify-packaging: packaging/heliograph-agent.service verified"
