#!/usr/bin/env bash
# Heliograph local services: PostgreSQL 15 (Debian cluster 15/main) and a
# project-local ClickHouse (Debian 18.16) whose data lives in .data/clickhouse/.
#
#   scripts/services.sh start    start both (installing packages if missing), idempotent
#   scripts/services.sh stop     stop the project's ClickHouse and the PostgreSQL cluster
#   scripts/services.sh status   one line per service; exit 0 if all up, 3 otherwise
#
# Environment:
#   HELIOGRAPH_POSTGRES_PASSWORD   password of PostgreSQL role "heliograph" (default: heliograph)
#   HELIOGRAPH_CH_HTTP_PORT  ClickHouse HTTP port on 127.0.0.1 (default: 8123)
#   HELIOGRAPH_CH_TCP_PORT   ClickHouse native port on 127.0.0.1 (default: 9000)
#
# Must run as root on Debian 12. Assumes nothing left over from a previous run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA_ROOT="$ROOT/.data"
CH_DIR="$DATA_ROOT/clickhouse"
CH_TEMPLATE="$ROOT/scripts/clickhouse/config.xml"
CH_CONFIG="$CH_DIR/config.xml"
CH_PIDFILE="$CH_DIR/clickhouse-server.pid"
CH_ERRLOG="$CH_DIR/log/clickhouse-server.err.log"
CH_STDERR="$CH_DIR/log/stderr.log"
CH_HTTP_PORT="${HELIOGRAPH_CH_HTTP_PORT:-8123}"
CH_TCP_PORT="${HELIOGRAPH_CH_TCP_PORT:-9000}"
CH_START_TIMEOUT=60
CH_STOP_TIMEOUT=30
CH_ERRLOG_LINES=0

PG_VERSION=15
PG_CLUSTER=main
PG_PORT=5432
PG_USER=heliograph
PG_DB=heliograph
PG_START_TIMEOUT=30
export HELIOGRAPH_POSTGRES_PASSWORD="${HELIOGRAPH_POSTGRES_PASSWORD:-heliograph}"

APT_LOG="$DATA_ROOT/apt.log"

# ---------------------------------------------------------------- helpers

say() { echo "services: $*"; }
die() { echo "services: $*" >&2; exit 1; }

rel() { # path relative to the repo root, for messages
    case "$1" in "$ROOT"/*) echo "${1#"$ROOT"/}" ;; *) echo "$1" ;; esac
}

check_port() {
    [[ "$2" =~ ^[0-9]+$ ]] && (( $2 >= 1 && $2 <= 65535 )) \
        || die "$1 must be a port number (1-65535), got '$2'"
}

require_root() {
    [[ "$(id -u)" -eq 0 ]] || die "must run as root (it starts system services and may apt-get install)"
}

# apt-get install, running apt-get update only when the first attempt fails
# (empty or stale package lists).
apt_install() {
    mkdir -p "$DATA_ROOT"
    say "installing $* (log: $(rel "$APT_LOG"))"
    export DEBIAN_FRONTEND=noninteractive
    if apt-get install -y "$@" >>"$APT_LOG" 2>&1 9>&-; then
        return 0
    fi
    say "apt-get install failed, running apt-get update and retrying"
    apt-get update >>"$APT_LOG" 2>&1 9>&- || die "apt-get update failed; see $(rel "$APT_LOG")"
    apt-get install -y "$@" >>"$APT_LOG" 2>&1 9>&- || die "apt-get install $* failed; see $(rel "$APT_LOG")"
}

# Serialise concurrent invocations (e.g. two test runs starting services).
# Every command that may leave a daemon behind runs with 9>&- so that the
# daemon does not inherit (and hold forever) the lock.
take_lock() {
    mkdir -p "$DATA_ROOT"
    exec 9>"$DATA_ROOT/services.lock"
    if command -v flock >/dev/null 2>&1; then
        flock -w 180 9 || die "another scripts/services.sh is still running (lock $(rel "$DATA_ROOT/services.lock"))"
    fi
}

# ---------------------------------------------------------------- PostgreSQL

pg_installed() {
    command -v pg_ctlcluster >/dev/null 2>&1 \
        && [[ -x "/usr/lib/postgresql/$PG_VERSION/bin/postgres" ]] \
        && command -v pg_isready >/dev/null 2>&1 \
        && command -v psql >/dev/null 2>&1
}

pg_cluster_exists() {
    [[ -f "/etc/postgresql/$PG_VERSION/$PG_CLUSTER/postgresql.conf" ]]
}

pg_running() {
    pg_installed && pg_cluster_exists && pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" status >/dev/null 2>&1
}

pg_log() { echo "/var/log/postgresql/postgresql-$PG_VERSION-$PG_CLUSTER.log"; }

pg_as_postgres() { # psql as the postgres superuser over the local socket (peer auth)
    (cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 --port="$PG_PORT" -d postgres "$@")
}

pg_start() {
    if ! pg_installed; then
        apt_install "postgresql-$PG_VERSION" "postgresql-client-$PG_VERSION"
        pg_installed || die "postgresql-$PG_VERSION installed but pg_ctlcluster/postgres/psql not found"
    fi
    if ! pg_cluster_exists; then
        say "creating PostgreSQL cluster $PG_VERSION/$PG_CLUSTER"
        pg_createcluster --port="$PG_PORT" "$PG_VERSION" "$PG_CLUSTER" >/dev/null 9>&- \
            || die "pg_createcluster $PG_VERSION $PG_CLUSTER failed"
    fi
    local port
    port="$(pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1==v && $2==c {print $3}')"
    [[ "$port" == "$PG_PORT" ]] \
        || die "PostgreSQL cluster $PG_VERSION/$PG_CLUSTER is configured for port ${port:-?}, expected $PG_PORT (/etc/postgresql/$PG_VERSION/$PG_CLUSTER/postgresql.conf)"

    if pg_running; then
        say "postgresql $PG_VERSION/$PG_CLUSTER already running"
    else
        say "starting postgresql $PG_VERSION/$PG_CLUSTER"
        pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start 9>&- \
            || die "pg_ctlcluster $PG_VERSION $PG_CLUSTER start failed; see $(pg_log)"
    fi

    local deadline=$((SECONDS + PG_START_TIMEOUT))
    until pg_isready -q -h 127.0.0.1 -p "$PG_PORT" -t 2; do
        (( SECONDS < deadline )) \
            || die "postgresql did not answer on 127.0.0.1:$PG_PORT within $PG_START_TIMEOUT s; see $(pg_log)"
        sleep 0.5
    done

    # Role and database. The password travels through the environment
    # (psql \getenv), never on a command line or inside the SQL text.
    pg_as_postgres >/dev/null <<SQL || die "could not create/update role '$PG_USER' or database '$PG_DB' (psql as postgres failed)"
\\getenv pw HELIOGRAPH_POSTGRES_PASSWORD
SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER') AS need_role \\gset
\\if :need_role
CREATE ROLE $PG_USER;
\\endif
ALTER ROLE $PG_USER WITH LOGIN CREATEDB PASSWORD :'pw';
SELECT NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$PG_DB') AS need_db \\gset
\\if :need_db
CREATE DATABASE $PG_DB OWNER $PG_USER;
\\endif
SELECT pg_get_userbyid(datdba) <> '$PG_USER' AS need_owner FROM pg_database WHERE datname = '$PG_DB' \\gset
\\if :need_owner
ALTER DATABASE $PG_DB OWNER TO $PG_USER;
\\endif
SQL

    local out
    out="$(PGPASSWORD="$HELIOGRAPH_POSTGRES_PASSWORD" PGCONNECT_TIMEOUT=5 psql -X -q -At \
            -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -c 'select 1' 2>&1)" \
        || die "TCP login as $PG_USER@127.0.0.1:$PG_PORT/$PG_DB failed: $(echo "$out" | tail -n 1)"
    [[ "$out" == "1" ]] || die "TCP login as $PG_USER@127.0.0.1:$PG_PORT/$PG_DB gave unexpected output: $out"
    say "postgresql up on 127.0.0.1:$PG_PORT (role $PG_USER, database $PG_DB)"
}

pg_stop() {
    if pg_running; then
        say "stopping postgresql $PG_VERSION/$PG_CLUSTER"
        pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop \
            || die "pg_ctlcluster $PG_VERSION $PG_CLUSTER stop failed; see $(pg_log)"
        say "postgresql stopped"
    else
        say "postgresql $PG_VERSION/$PG_CLUSTER not running"
    fi
}

pg_status() {
    if ! pg_installed; then
        echo "postgresql: down (postgresql-$PG_VERSION not installed)"; return 1
    elif ! pg_cluster_exists; then
        echo "postgresql: down (cluster $PG_VERSION/$PG_CLUSTER does not exist)"; return 1
    elif pg_running && pg_isready -q -h 127.0.0.1 -p "$PG_PORT" -t 2; then
        echo "postgresql: up 127.0.0.1:$PG_PORT (cluster $PG_VERSION/$PG_CLUSTER)"
    else
        echo "postgresql: down 127.0.0.1:$PG_PORT (cluster $PG_VERSION/$PG_CLUSTER)"; return 1
    fi
}

# ---------------------------------------------------------------- ClickHouse

ch_server_bin() {
    if command -v clickhouse-server >/dev/null 2>&1; then command -v clickhouse-server
    elif [[ -x /usr/sbin/clickhouse-server ]]; then echo /usr/sbin/clickhouse-server
    else return 1
    fi
}

# Does something answer "Ok." on http://127.0.0.1:PORT/ping ?
ch_ping() {
    local port="$1" body=""
    if command -v curl >/dev/null 2>&1; then
        body="$(curl -s -m 2 "http://127.0.0.1:$port/ping" 2>/dev/null)" || return 1
    else
        body="$(
            exec 2>/dev/null 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
            printf 'GET /ping HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
            timeout 2 cat <&3 | tail -n 1
        )" || return 1
    fi
    [[ "${body//$'\r'/}" == "Ok." || "${body//$'\r'/}" == $'Ok.\n' ]]
}

# Does anything accept TCP connections on 127.0.0.1:PORT ?
port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Is PID a live clickhouse-server started with our config file?
ch_is_ours() {
    local pid="$1"
    [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
    tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "--config-file=$CH_CONFIG"
}

# PID of the project's ClickHouse: from the pid file, else by scanning /proc
# for a clickhouse-server whose command line names our config file.
ch_pid() {
    local pid=""
    if [[ -f "$CH_PIDFILE" ]]; then
        pid="$(tr -dc '0-9' <"$CH_PIDFILE" 2>/dev/null || true)"
        if ch_is_ours "$pid"; then echo "$pid"; return 0; fi
    fi
    local d
    for d in /proc/[0-9]*; do
        pid="${d#/proc/}"
        if ch_is_ours "$pid"; then echo "$pid"; return 0; fi
    done
    return 1
}

ch_render_config() {
    local esc tmp
    esc="$(printf '%s' "$CH_DIR" | sed -e 's/[\\|&]/\\&/g')"
    tmp="$CH_CONFIG.tmp.$$"
    sed -e "s|@DATA_DIR@|$esc|g" -e "s|@HTTP_PORT@|$CH_HTTP_PORT|g" -e "s|@TCP_PORT@|$CH_TCP_PORT|g" \
        "$CH_TEMPLATE" >"$tmp" || { rm -f "$tmp"; die "could not render $(rel "$CH_TEMPLATE") into $(rel "$CH_CONFIG")"; }
    if grep -q '@[A-Z_]*@' "$tmp"; then
        rm -f "$tmp"; die "$(rel "$CH_TEMPLATE") has a placeholder this script does not know: $(grep -o '@[A-Z_]*@' "$CH_TEMPLATE" | sort -u | tr '\n' ' ')"
    fi
    if [[ -f "$CH_CONFIG" ]] && cmp -s "$tmp" "$CH_CONFIG"; then
        rm -f "$tmp"   # unchanged: do not touch (the server watches this file for user changes)
    else
        mv -f "$tmp" "$CH_CONFIG"
    fi
}

ch_fail() { # message; then the tail of the server's own logs
    echo "services: $*" >&2
    # Only what the err log gained during this start (it keeps older runs' errors).
    if [[ -s "$CH_ERRLOG" ]] && (( $(wc -l <"$CH_ERRLOG") > CH_ERRLOG_LINES )); then
        echo "---- last lines of $(rel "$CH_ERRLOG")" >&2
        tail -n +"$((CH_ERRLOG_LINES + 1))" "$CH_ERRLOG" | tail -n 15 >&2
    fi
    if [[ -s "$CH_STDERR" ]]; then
        echo "---- last lines of $(rel "$CH_STDERR")" >&2
        tail -n 15 "$CH_STDERR" >&2
    fi
    exit 1
}

# A freshly installed Debian package may have started the system-wide server
# (/etc/clickhouse-server, ports 8123/9000 on localhost). We run our own.
ch_disable_system_service() {
    if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; then
        systemctl disable --now clickhouse-server >/dev/null 2>&1 9>&- || true
    elif [[ -x /etc/init.d/clickhouse-server ]]; then
        /etc/init.d/clickhouse-server stop >/dev/null 2>&1 9>&- || true
    fi
}

ch_start() {
    local bin
    if ! bin="$(ch_server_bin)" || ! command -v clickhouse-client >/dev/null 2>&1; then
        apt_install clickhouse-server clickhouse-client
        bin="$(ch_server_bin)" || die "clickhouse-server installed but its binary was not found"
        ch_disable_system_service
    fi
    [[ -f "$CH_TEMPLATE" ]] || die "ClickHouse config template $(rel "$CH_TEMPLATE") is missing"

    local pid
    if ch_ping "$CH_HTTP_PORT"; then
        if pid="$(ch_pid)"; then
            say "clickhouse already running (pid $pid) on 127.0.0.1:$CH_HTTP_PORT"
        else
            say "clickhouse already answering on 127.0.0.1:$CH_HTTP_PORT (not started by this script); using it"
        fi
        return 0
    fi

    mkdir -p "$CH_DIR"/{data,tmp,log,user_files,format_schemas}
    ch_render_config

    if pid="$(ch_pid)"; then
        # Our server is alive but not answering yet (still starting, or wedged): wait for it below.
        say "clickhouse (pid $pid) is running but not answering yet; waiting"
    else
        local p
        for p in "$CH_HTTP_PORT" "$CH_TCP_PORT"; do
            ! port_busy "$p" || die "127.0.0.1:$p is already in use by another program (not a ClickHouse answering /ping on $CH_HTTP_PORT); free it or set HELIOGRAPH_CH_HTTP_PORT/HELIOGRAPH_CH_TCP_PORT"
        done
        # A pid file left by a dead (or unrelated, reused-pid) process blocks --daemon start.
        rm -f "$CH_PIDFILE"
        : >"$CH_STDERR" 2>/dev/null || true
        CH_ERRLOG_LINES="$( (wc -l <"$CH_ERRLOG") 2>/dev/null || echo 0)"
        say "starting clickhouse on 127.0.0.1:$CH_HTTP_PORT (http) / 127.0.0.1:$CH_TCP_PORT (tcp), data in $(rel "$CH_DIR")"
        (cd "$CH_DIR" && "$bin" --config-file="$CH_CONFIG" --pid-file="$CH_PIDFILE" --daemon 9>&-) \
            || ch_fail "clickhouse-server --daemon failed to launch"
    fi

    local start=$SECONDS deadline=$((SECONDS + CH_START_TIMEOUT))
    until ch_ping "$CH_HTTP_PORT"; do
        if (( SECONDS >= deadline )); then
            ch_fail "clickhouse did not answer on 127.0.0.1:$CH_HTTP_PORT within $CH_START_TIMEOUT s; see $(rel "$CH_ERRLOG")"
        fi
        # The daemon forks and writes its pid file; if after a few seconds no
        # server of ours is alive, it has died (port taken, bad config, ...).
        if (( SECONDS - start >= 5 )) && ! ch_pid >/dev/null; then
            ch_fail "clickhouse exited during start-up (not answering on 127.0.0.1:$CH_HTTP_PORT); see $(rel "$CH_ERRLOG")"
        fi
        sleep 0.5
    done
    say "clickhouse up on 127.0.0.1:$CH_HTTP_PORT (http) / 127.0.0.1:$CH_TCP_PORT (tcp), pid $(ch_pid || echo '?')"
}

ch_stop() {
    local pid
    if ! pid="$(ch_pid)"; then
        rm -f "$CH_PIDFILE"
        if ch_ping "$CH_HTTP_PORT"; then
            say "clickhouse on 127.0.0.1:$CH_HTTP_PORT was not started by this script; left running"
        else
            say "clickhouse not running"
        fi
        return 0
    fi
    say "stopping clickhouse (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + CH_STOP_TIMEOUT))
    while kill -0 "$pid" 2>/dev/null && ch_is_ours "$pid"; do
        if (( SECONDS >= deadline )); then
            say "clickhouse (pid $pid) still running after $CH_STOP_TIMEOUT s; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 1
            ! ch_is_ours "$pid" || die "could not stop clickhouse (pid $pid)"
            break
        fi
        sleep 0.2
    done
    rm -f "$CH_PIDFILE"
    say "clickhouse stopped"
}

ch_status() {
    local pid
    if ch_ping "$CH_HTTP_PORT"; then
        if pid="$(ch_pid)"; then
            echo "clickhouse: up http://127.0.0.1:$CH_HTTP_PORT tcp 127.0.0.1:$CH_TCP_PORT (pid $pid, data $(rel "$CH_DIR"))"
        else
            echo "clickhouse: up http://127.0.0.1:$CH_HTTP_PORT (not started by this script)"
        fi
    elif pid="$(ch_pid)"; then
        echo "clickhouse: down http://127.0.0.1:$CH_HTTP_PORT (pid $pid running but not answering /ping)"; return 1
    else
        echo "clickhouse: down http://127.0.0.1:$CH_HTTP_PORT"; return 1
    fi
}

# ---------------------------------------------------------------- main

usage() {
    echo "usage: scripts/services.sh start|stop|status" >&2
    exit 2
}

main() {
    [[ $# -eq 1 ]] || usage
    check_port HELIOGRAPH_CH_HTTP_PORT "$CH_HTTP_PORT"
    check_port HELIOGRAPH_CH_TCP_PORT "$CH_TCP_PORT"
    [[ "$CH_HTTP_PORT" != "$CH_TCP_PORT" ]] || die "HELIOGRAPH_CH_HTTP_PORT and HELIOGRAPH_CH_TCP_PORT must differ"
    case "$1" in
        start)
            require_root; take_lock
            pg_start
            ch_start
            say "all services up"
            ;;
        stop)
            require_root; take_lock
            ch_stop
            pg_stop
            ;;
        status)
            local rc=0
            pg_status || rc=3
            ch_status || rc=3
            exit "$rc"
            ;;
        *) usage ;;
    esac
}

main "$@"
