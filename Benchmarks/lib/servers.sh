# Sourced by Benchmarks/center/run.sh and Benchmarks/live/run.sh: the kefu servers and the
# throwaway PostgreSQL a load benchmark starts, their clean-up on any exit, and the Python
# environment with aiohttp its client needs.
#
# The caller sets, before sourcing:
#   ROOT             the repository root
#   BENCH_SCRIPT     its own path as printed on failure, e.g. Benchmarks/center/run.sh
#   BENCH_TITLE      its name in failure messages, e.g. CENTER
#   BENCH_LOG_DIR    where server logs go
#   BENCH_LOG_LEVEL  LOG_LEVEL of the servers
# and, before start_kefu: KEFU (the binary) and url (DATABASE_URL, or start_pg). KEFU_ENV (an
# array of NAME=value, may be set before sourcing) adds environment to the servers only.

# The data key of the fields sealed at rest (required on PostgreSQL): a fixed, public one for benchmarks.
export KEFU_DATA_KEY="${KEFU_DATA_KEY:-$(printf %s 'kefu-benchmark-key-not-secret!!!' | base64)}"

section() { printf '\n==================== %s ====================\n' "$*"; }
die() { echo "$BENCH_TITLE BENCHMARK FAILURE: $*" >&2; exit 1; }

tmp=$(mktemp -d)
pgdir=""
pids=()
logs=()
declare -p KEFU_ENV >/dev/null 2>&1 || KEFU_ENV=()

stop_servers() {
    local p
    for p in "${pids[@]}"; do
        if kill -0 "$p" 2>/dev/null; then
            kill "$p" 2>/dev/null || true
            for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
            kill -9 "$p" 2>/dev/null || true
        fi
        wait "$p" 2>/dev/null || true
    done
    pids=()
}

stop_pg() {
    if [[ -n $pgdir ]]; then
        bash "$ROOT/scripts/pg-stop" "$pgdir" >/dev/null 2>&1 || echo "warning: pg-stop failed" >&2
        rm -rf "$pgdir"
        pgdir=""
    fi
}

cleanup() {
    local status=$?
    set +e
    if [[ $status -ne 0 ]]; then
        local l
        for l in "${logs[@]}"; do
            [[ -s $l ]] && { echo "---- $l (last 40 lines) ----" >&2; tail -n 40 "$l" >&2; }
        done
    fi
    stop_servers
    stop_pg
    rm -rf "$tmp"
    [[ $status -ne 0 ]] && echo "$BENCH_SCRIPT FAILED (exit status $status)" >&2
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start_pg PORT DATABASE : a durable throwaway PostgreSQL on 127.0.0.1:PORT with DATABASE
# created; sets url to it (not printed: stop_pg needs pgdir set in this shell).
start_pg() {
    local port=$1 name=$2 admin
    pgdir=$(mktemp -d)
    admin=$(bash "$ROOT/scripts/pg-start" "$pgdir" "$port")
    psql "$admin" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $name"
    url="postgres://postgres@127.0.0.1:$port/$name"
}

# bench_python DIR : sets PY to DIR/.venv's python, creating it with aiohttp when missing.
bench_python() {
    PY="$1/.venv/bin/python"
    if ! "$PY" -c 'import aiohttp' 2>/dev/null; then
        python3 -m venv "$1/.venv"
        "$1/.venv/bin/pip" install -q aiohttp
    fi
}

# start_kefu PORT NAME COMMAND... : `kefu COMMAND... --port PORT` in the background from the
# repository root on $url, logging to BENCH_LOG_DIR/NAME.log; waits for /health.
start_kefu() {
    local port=$1 name=$2; shift 2
    local log="$BENCH_LOG_DIR/$name.log"
    curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null && die "something already answers on port $port"
    (cd "$ROOT" && exec env DATABASE_URL="$url" LOG_LEVEL="$BENCH_LOG_LEVEL" "${KEFU_ENV[@]}" \
        "$KEFU" "$@" --port "$port" >"$log" 2>&1 </dev/null) &
    local pid=$!
    pids+=("$pid"); logs+=("$log")
    for _ in $(seq 1 240); do
        kill -0 "$pid" 2>/dev/null || die "$name exited before answering /health (log $log)"
        curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null && { echo "$name up on :$port (pid $pid, log $log)"; return 0; }
        sleep 0.5
    done
    die "$name did not answer /health within 120 s"
}
