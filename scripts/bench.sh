#!/usr/bin/env bash
# Runs a benchmark scenario from loadtest/ and prints its table. Scenarios:
#   schedule [--targets N] [--interval-s S] [--duration-s D]
#       N HTTP targets at one interval through the real engine into ClickHouse (defaults 1000, 10, 60):
#       checks/s, scheduler lag and result latency p50/p99, CPU, heap.
# Starts the databases (scripts/services.sh) and builds the JAR if needed; traffic stays on 127.0.0.1.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/java-env.sh

scenario="${1:-}"
[ -n "$scenario" ] || { echo "usage: scripts/bench.sh schedule [--targets N] [--interval-s S] [--duration-s D]" >&2; exit 2; }
shift
case "$scenario" in
  schedule) main=dev.heliograph.loadtest.ScheduleBenchmark ;;
  *) echo "bench: unknown scenario '$scenario' (known: schedule)" >&2; exit 2 ;;
esac

scripts/services.sh start >/dev/null
jar=loadtest/target/heliograph-loadtest.jar
if [ ! -f "$jar" ] || [ -n "$(find shared-domain probe-agent control-plane loadtest -name '*.java' -newer "$jar" -print -quit)" ]; then
  echo "bench: building $jar"
  ./mvnw -B -q package -DskipTests
fi
exec "$JAVA_HOME/bin/java" -XX:+IgnoreUnrecognizedVMOptions --enable-native-access=ALL-UNNAMED \
  --sun-misc-unsafe-memory-access=allow -Xlog:disable -Xlog:all=warning:stderr -cp "$jar" "$main" "$@"
