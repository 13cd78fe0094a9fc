#!/usr/bin/env bash
# Starts Heliograph for real on this machine: PostgreSQL and ClickHouse, a fresh build, the control
# plane in the background (log in .data/control-plane.log), and four demo targets that point at
# local services: the control plane's own /healthz, PostgreSQL's TCP port, ClickHouse's /ping, and a
# closed port that shows `down`. Re-running it restarts the control plane and keeps the targets.
# The key for target secrets is made once in .data/secret.key (mode 0600) unless HELIOGRAPH_SECRET_KEY is set.
# The operator org's admin API key is made once in .data/api.key (mode 0600) and used as api.bootstrap_key;
# export HELIOGRAPH_API_KEY="$(cat .data/api.key)" to use it with curl and the CLI.
#   scripts/quickstart.sh         start (or restart)
#   scripts/quickstart.sh stop    stop the control plane (services keep running; scripts/services.sh stop)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/java-env.sh

api="http://127.0.0.1:${HELIOGRAPH_API_PORT:-8080}"
pidfile=.data/control-plane.pid
logfile=.data/control-plane.log

say() { echo "quickstart: $*"; }
die() { echo "quickstart: $*" >&2; exit 1; }
trap 'echo "quickstart: failed at line $LINENO (exit $?); the control plane log is $logfile" >&2' ERR

stop_control_plane() {
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    say "stopping the control plane (pid $(cat "$pidfile"))"
    kill "$(cat "$pidfile")"
    for _ in $(seq 1 150); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$pidfile"
}

if [ "${1:-}" = "stop" ]; then
  stop_control_plane
  exit 0
fi

command -v curl >/dev/null || die "curl is needed (apt-get install -y curl)"
command -v python3 >/dev/null || die "python3 is needed to read JSON answers (apt-get install -y python3)"

scripts/services.sh start
# Stop the previous control plane before the build replaces the JAR it runs from.
stop_control_plane
if curl -s -o /dev/null "$api/healthz"; then
  die "something else already answers on $api; stop it or set HELIOGRAPH_API_PORT"
fi
say "building (./mvnw package)"
./mvnw -B -q package -DskipTests || die "build failed"

mkdir -p .data
# The key that encrypts target secrets in PostgreSQL: made once, kept in .data (never committed).
# HELIOGRAPH_SECRET_KEY from the environment wins.
keyfile=.data/secret.key
if [ -z "${HELIOGRAPH_SECRET_KEY:-}" ]; then
  if [ ! -s "$keyfile" ]; then
    (umask 077 && head -c 32 /dev/urandom | base64 > "$keyfile")
    say "generated the key for target secrets: $keyfile (back it up: stored secrets cannot be read without it)"
  fi
  chmod 600 "$keyfile"
  HELIOGRAPH_SECRET_KEY="$(cat "$keyfile")"
  export HELIOGRAPH_SECRET_KEY
fi
# The operator org's first admin API key: made once, kept in .data (never committed). The control plane
# stores it (hashed) at its first start on an empty database; later starts leave existing keys alone.
apikeyfile=.data/api.key
if [ ! -s "$apikeyfile" ]; then
  (umask 077 && printf 'hg_key_%s\n' "$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')" > "$apikeyfile")
  say "generated the admin API key: $apikeyfile"
fi
chmod 600 "$apikeyfile"
api_key="$(cat "$apikeyfile")"
export HELIOGRAPH_API_BOOTSTRAP_KEY="$api_key"
auth=(-H "Authorization: Bearer $api_key")

say "starting the control plane; log: $logfile"
nohup bin/heliograph control-plane --config config/heliograph.dev.yaml > "$logfile" 2>&1 &
echo $! > "$pidfile"
for _ in $(seq 1 120); do
  kill -0 "$(cat "$pidfile")" 2>/dev/null || { tail -20 "$logfile" >&2; die "the control plane exited; see $logfile"; }
  curl -fsS "$api/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "$api/readyz" >/dev/null || die "the control plane is not ready after 60 s; see $logfile"
kill -0 "$(cat "$pidfile")" 2>/dev/null || die "the control plane exited; see $logfile"
if [ "$(curl -s -o /dev/null -w '%{http_code}' "${auth[@]}" "$api/api/v1/org")" = 401 ]; then
  die "the database was set up with another admin key than $apikeyfile; make a new one with: bin/heliograph admin create-key --org default --role admin --config config/heliograph.dev.yaml > $apikeyfile"
fi

json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)'"$1"')'; }

# Port 9 (discard) is closed on a normal machine; an ephemeral port could, rarely, connect to itself.
closed_port=9

# name | kind | spec
demo_targets=(
  "demo: control plane /healthz|http|{\"url\": \"$api/healthz\"}"
  "demo: postgresql tcp|tcp|{\"host\": \"127.0.0.1\", \"port\": 5432}"
  "demo: clickhouse /ping|http|{\"url\": \"http://127.0.0.1:8123/ping\", \"body_contains\": \"Ok.\"}"
  "demo: closed port (shows down)|tcp|{\"host\": \"127.0.0.1\", \"port\": $closed_port}"
)
ids=()
for line in "${demo_targets[@]}"; do
  IFS='|' read -r name kind spec <<< "$line"
  body="{\"name\": \"$name\", \"kind\": \"$kind\", \"spec\": $spec, \"interval_s\": 10, \"timeout_ms\": 3000, \"tags\": [\"demo\"]}"
  existing=$(curl -fsS "${auth[@]}" "$api/api/v1/targets?tag=demo&limit=500" | python3 -c '
import json, sys
name = sys.argv[1]
print(next((t["id"] for t in json.load(sys.stdin)["items"] if t["name"] == name), ""))' "$name")
  if [ -n "$existing" ]; then
    curl -fsS "${auth[@]}" -X PUT -H 'content-type: application/json' -d "$body" "$api/api/v1/targets/$existing" >/dev/null
    ids+=("$existing")
  else
    ids+=("$(curl -fsS "${auth[@]}" -X POST -H 'content-type: application/json' -d "$body" "$api/api/v1/targets" | json_field '["id"]')")
  fi
done

say "waiting for the first results (targets are checked every 10 s)"
for _ in $(seq 1 60); do
  missing=0
  for id in "${ids[@]}"; do
    n=$(curl -fsS "${auth[@]}" "$api/api/v1/targets/$id/results?limit=1" | json_field '["items"].__len__()')
    [ "$n" -gt 0 ] || missing=1
  done
  [ "$missing" -eq 0 ] && break
  sleep 1
done

echo
printf '%-36s  %-8s  %s\n' "TARGET" "STATUS" "DETAIL"
for i in "${!ids[@]}"; do
  id=${ids[$i]}
  name=$(curl -fsS "${auth[@]}" "$api/api/v1/targets/$id" | json_field '["name"]')
  curl -fsS "${auth[@]}" "$api/api/v1/targets/$id/results?limit=1" | python3 -c '
import json, sys
items = json.load(sys.stdin)["items"]
name = sys.argv[1]
if not items:
    print("{:36s}  {:8s}  {}".format(name, "pending", "no result yet"))
else:
    r = items[0]
    detail = r["error"] or "{:.1f} ms".format(r["total_ms"])
    print("{:36s}  {:8s}  {}".format(name, r["status"], detail))' "$name"
done
echo
cat <<EOF2
The control plane is running (pid $(cat "$pidfile")), log: $logfile
  API key:   export HELIOGRAPH_API_KEY="\$(cat $apikeyfile)"   (the operator org's admin key)
  targets:   curl -s -H "Authorization: Bearer \$HELIOGRAPH_API_KEY" $api/api/v1/targets | python3 -m json.tool
  results:   curl -s -H "Authorization: Bearer \$HELIOGRAPH_API_KEY" $api/api/v1/targets/${ids[0]}/results?limit=5 | python3 -m json.tool
  stats:     curl -s -H "Authorization: Bearer \$HELIOGRAPH_API_KEY" "$api/api/v1/targets/${ids[0]}/stats?window=1h"
  API docs:  $api/docs/
  readiness: curl -s $api/readyz
  stop:      scripts/quickstart.sh stop   (databases: scripts/services.sh stop)
EOF2
