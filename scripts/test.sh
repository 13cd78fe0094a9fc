#!/usr/bin/env bash
# Runs every test: starts PostgreSQL and ClickHouse (scripts/services.sh), installs the programs
# integration tests run (scripts/test-tools.sh: Alertmanager) and the benchmark tools (nginx, wrk,
# blackbox_exporter: the benchmark smoke run drives them), then builds and runs the unit tests
# (surefire, *Test) and the integration tests (failsafe, *IT) against them.
# Extra arguments go to Maven, e.g. scripts/test.sh -Dit.test=TargetApiIT
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/java-env.sh
scripts/verify-packaging.sh
scripts/services.sh start
scripts/test-tools.sh
scripts/bench.sh install
./mvnw -B verify "$@"
