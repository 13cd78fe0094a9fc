#!/usr/bin/env bash
# Runs Heliograph's benchmarks (loadtest/) and prints one table per scenario.
#
#   scripts/bench.sh [scenario] [--duration S] [--json FILE] [--profile EVENT] [scenario options]
#
# Scenarios (default: all, one after the other):
#   throughput  the real engine against a local nginx, ramping the rate until it falls behind, then
#               the ceiling measurements below in the same run; prints both and their ratios
#   ceiling     only the ceiling: wrk (fresh connection per request, and keep-alive) and
#               prometheus-blackbox-exporter (http_2xx, tcp_connect at concurrency 8 and 256)
#   inflight    100,000 checks held in flight at once by a slow target server in other processes
#   ingest      N synthetic results through the batcher into ClickHouse vs clickhouse-client
#   api         100,000 targets in PostgreSQL: list, tag filter, results, dashboard under wrk -c 16
#   schedule    N targets at one interval through the engine (the walking skeleton's benchmark)
#   detect      outages and random noise injected into N targets: time to detect (first failing
#               answer to the opened notification), false notifications, and what Gatus's and
#               Uptime Kuma's default rules would have done with the same failures
#   install     only install what the scenarios need (nginx, wrk, prometheus-blackbox-exporter)
#
# Every scenario starts what it needs (scripts/services.sh, local target servers), sends traffic
# only to 127.0.0.0/8, is bounded in count and time, and stops what it started. --duration S
# scales each scenario's measuring time; --json FILE writes the figures as JSON (with "all", one
# file per scenario: FILE with the scenario's name before the extension). --profile cpu|wall|alloc|lock
# runs the benchmark JVM under async-profiler (4.6, from Maven Central) and writes a flame graph to
# .data/bench/profile-<scenario>.html. Scratch files go to .data/bench/. See docs/benchmarks.md for
# what each figure means and the latest full run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

say() { echo "bench: $*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }

# Debian packages the scenarios drive. Installed with policy-rc.d answering 101, so that their
# packaged services (nginx on :80, blackbox_exporter on :9115) are not started: each scenario
# starts its own copy with its own config on a free loopback port.
install_tools() {
    local missing=()
    command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
    command -v wrk >/dev/null 2>&1 || missing+=(wrk)
    [ -x /usr/bin/prometheus-blackbox-exporter ] || missing+=(prometheus-blackbox-exporter)
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || die "needs root to apt-get install ${missing[*]}"
    mkdir -p .data
    local log=.data/apt-bench.log policy=/usr/sbin/policy-rc.d made_policy=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && made_policy=1
    fi
    say "installing ${missing[*]} (log: $log)"
    local rc=0
    { DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >>"$log" 2>&1 \
      || { apt-get update >>"$log" 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >>"$log" 2>&1; }; } || rc=$?
    [ "$made_policy" -eq 1 ] && rm -f "$policy"
    [ "$rc" -eq 0 ] || die "apt-get install ${missing[*]} failed; see $log"
}

scenario="${1:-all}"
case "$scenario" in -h|--help) scenario=help; shift ;; -*) scenario=all ;; *) [ $# -gt 0 ] && shift ;; esac

case "$scenario" in
  install) install_tools; say "nginx, wrk and prometheus-blackbox-exporter are installed"; exit 0 ;;
  throughput|ceiling|inflight|ingest|api|schedule|detect|all) ;;
  -h|--help|help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) die "unknown scenario '$scenario' (known: all, throughput, ceiling, inflight, ingest, api, schedule, detect, install)" ;;
esac

. scripts/java-env.sh
install_tools
scripts/services.sh start >/dev/null
jar=loadtest/target/heliograph-loadtest.jar
if [ ! -f "$jar" ] || [ -n "$(find shared-domain probe-agent control-plane loadtest -name '*.java' -newer "$jar" -print -quit)" ]; then
  say "building $jar"
  ./mvnw -B -q package -DskipTests
fi
mkdir -p .data/bench
# The in-flight scenario holds one socket per check; raise the soft limit as far as the hard one
# allows (the scenario spreads its checks over more processes when that is not enough).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

profile=""; args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --profile)
      profile="${2:-}"
      case "$profile" in cpu|wall|alloc|lock) ;; *) die "--profile takes cpu, wall, alloc or lock, not '$profile'" ;; esac
      shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
set -- ${args[@]+"${args[@]}"}

run() {
  local agent=()
  if [ -n "$profile" ]; then
    lib="$root/loadtest/target/async-profiler/linux-x64/libasyncProfiler.so"
    [ -f "$lib" ] || die "async-profiler's library is missing ($lib); ./mvnw -pl loadtest -am package unpacks it"
    agent=("-agentpath:$lib=start,event=$profile,file=$root/.data/bench/profile-$1.html")
    say "profiling $1 ($profile) into .data/bench/profile-$1.html"
  fi
  exec_java=("$JAVA_HOME/bin/java" -XX:+IgnoreUnrecognizedVMOptions --enable-native-access=ALL-UNNAMED
    --sun-misc-unsafe-memory-access=allow -Xlog:disable -Xlog:all=warning:stderr
    -Dheliograph.bench.root="$root" -Dheliograph.bench.java="$JAVA_HOME/bin/java" -Dheliograph.bench.jar="$root/$jar"
    ${agent[@]+"${agent[@]}"} ${BENCH_JVM_OPTS:-} -cp "$jar" dev.heliograph.loadtest.BenchMain)
  "${exec_java[@]}" "$@"
}

if [ "$scenario" = all ]; then
  json=""; rest=()
  while [ $# -gt 0 ]; do
    case "$1" in --json) json="${2:?--json needs a file}"; shift 2 ;; *) rest+=("$1"); shift ;; esac
  done
  for s in throughput inflight ingest api detect; do
    args=("$s" ${rest[@]+"${rest[@]}"})
    if [ -n "$json" ]; then
      case "$json" in *.*) args+=(--json "${json%.*}-$s.${json##*.}") ;; *) args+=(--json "$json-$s") ;; esac
    fi
    run "${args[@]}"
  done
else
  run "$scenario" "$@"
fi
