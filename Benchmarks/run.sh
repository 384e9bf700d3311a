#!/usr/bin/env bash
# Load benchmark of the kefu server (release build) on SQLite and PostgreSQL.
# See Benchmarks/README.md. All traffic goes to 127.0.0.1 only.
#
#   bash Benchmarks/run.sh
#
# Environment knobs (defaults in brackets):
#   BENCH_DBS           databases to run            ["sqlite postgres"]
#   BENCH_DURATION      wrk duration                [15s]
#   BENCH_THREADS       wrk threads                 [2]
#   BENCH_CONNECTIONS   wrk connections             [16]
#   BENCH_FIXED_RATE    fixed_rate.py req/s         [500]
#   BENCH_FIXED_SECONDS fixed_rate.py seconds       [10]
#   BENCH_RAW_COUNT     rows for `kefu bench insert` [5000]
#   BENCH_PORT          kefu serve port             [18090]
#   BENCH_PG_PORT       throwaway PostgreSQL port   [55433]
#   BENCH_LOG_LEVEL     LOG_LEVEL for the server    [warning]
#   KEFU_BIN            use this kefu binary instead of building one
#   SKIP_BUILD=1        don't build; use the existing .build-release binary
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd -P)
BENCH_DIR="$ROOT/Benchmarks"
RESULTS_DIR="$BENCH_DIR/results"

BENCH_DBS=${BENCH_DBS:-"sqlite postgres"}
BENCH_DURATION=${BENCH_DURATION:-15s}
BENCH_THREADS=${BENCH_THREADS:-2}
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-16}
BENCH_FIXED_RATE=${BENCH_FIXED_RATE:-500}
BENCH_FIXED_SECONDS=${BENCH_FIXED_SECONDS:-10}
BENCH_RAW_COUNT=${BENCH_RAW_COUNT:-5000}
BENCH_PORT=${BENCH_PORT:-18090}
BENCH_PG_PORT=${BENCH_PG_PORT:-55433}
BENCH_LOG_LEVEL=${BENCH_LOG_LEVEL:-warning}
BASE="http://127.0.0.1:$BENCH_PORT"

section() { printf '\n==================== %s ====================\n' "$*"; }
die() { echo "BENCHMARK FAILURE: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------
# cleanup
tmp=$(mktemp -d)
pgdir=""
server_pid=""
server_log=""

stop_server() {
    if [[ -n $server_pid ]]; then
        if kill -0 "$server_pid" 2>/dev/null; then
            kill "$server_pid" 2>/dev/null || true
            for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
            kill -9 "$server_pid" 2>/dev/null || true
        fi
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}
stop_pg() {
    if [[ -n $pgdir ]]; then
        bash "$ROOT/scripts/pg-stop" "$pgdir" || echo "warning: pg-stop failed" >&2
        rm -rf "$pgdir"
        pgdir=""
    fi
}
print_server_log() {
    if [[ -n $server_log && -s $server_log ]]; then
        echo "---------------- server log ($server_log, last 100 lines) ----------------" >&2
        tail -n 100 "$server_log" >&2 || true
        echo "--------------------------------------------------------------------------" >&2
    fi
}
cleanup() {
    local status=$?
    set +e
    if [[ $status -ne 0 ]]; then print_server_log; fi
    stop_server
    stop_pg
    rm -rf "$tmp"
    if [[ $status -ne 0 ]]; then echo "Benchmarks/run.sh FAILED (exit status $status)" >&2; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------
section "Prerequisites"
for db in $BENCH_DBS; do
    [[ $db == sqlite || $db == postgres ]] || die "unknown database in BENCH_DBS: $db (want sqlite and/or postgres)"
done
for tool in wrk curl python3 psql; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found (apt-get install -y wrk curl python3 postgresql)"
done
wrk --version 2>&1 | head -1 || true
mkdir -p "$RESULTS_DIR/raw"

# ---------------------------------------------------------------------------
section "Build (release, scratch path .build-release)"
if [[ -n ${KEFU_BIN:-} ]]; then
    KEFU=$KEFU_BIN
    echo "using KEFU_BIN=$KEFU"
else
    if [[ ${SKIP_BUILD:-0} != 1 ]]; then
        swift build -c release --product kefu --scratch-path .build-release
    fi
    KEFU="$(swift build -c release --scratch-path .build-release --show-bin-path)/kefu"
fi
[[ -x $KEFU ]] || die "kefu binary not found at $KEFU"

# ---------------------------------------------------------------------------
# helpers

# kefu CLI with the benchmark database; stdin closed so no prompt can hang.
kefu_cli() { DATABASE_URL="$DB_URL" "$KEFU" "$@" </dev/null; }

# value of key=... in a "k=v k=v" line
field() { sed -n "s/.*[[:space:]]$2=\([^[:space:]]*\).*/\1/p" <<<" $1" | head -1; }

server_alive() {
    kill -0 "$server_pid" 2>/dev/null || { print_server_log; die "kefu server died ($1)"; }
}

start_server() {
    server_log="$RESULTS_DIR/raw/$DB-server.log"
    if curl -fsS --max-time 2 -o /dev/null "$BASE/health" 2>/dev/null; then
        die "something is already answering on $BASE"
    fi
    DATABASE_URL="$DB_URL" LOG_LEVEL="$BENCH_LOG_LEVEL" "$KEFU" serve --port "$BENCH_PORT" >"$server_log" 2>&1 </dev/null &
    server_pid=$!
    for _ in $(seq 1 120); do
        server_alive "before /health answered"
        if curl -fsS --max-time 2 -o /dev/null "$BASE/health" 2>/dev/null; then
            echo "server up (pid $server_pid, log $server_log)"
            return 0
        fi
        sleep 0.5
    done
    die "server did not answer $BASE/health within 60 s"
}

# curl_json METHOD PATH [BODY] -> response body on stdout; dies on HTTP error
curl_json() {
    local method=$1 path=$2 body=${3:-} out code
    out="$tmp/curl.out"
    local args=(-sS -o "$out" -w '%{http_code}' -X "$method" -H 'Accept: application/json')
    [[ -n ${TOKEN:-} ]] && args+=(-H "Authorization: Bearer $TOKEN")
    [[ -n $body ]] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
    code=$(curl "${args[@]}" "$BASE$path") || die "$method $path: curl failed"
    if [[ $code != 2?? ]]; then
        echo "response body: $(head -c 1000 "$out")" >&2
        die "$method $path returned HTTP $code"
    fi
    cat "$out"
}

json_get() { python3 -c 'import json,sys; v=json.load(sys.stdin)[sys.argv[1]]; print(v)' "$1"; }

# run_wrk NAME SCRIPT URL -> prints the wrk output, stores its wrk_result line in WRK_LINE
run_wrk() {
    local name=$1 script=$2 url=$3 out="$RESULTS_DIR/raw/$DB-wrk-$1.txt"
    echo "--- wrk $name: -t$BENCH_THREADS -c$BENCH_CONNECTIONS -d$BENCH_DURATION $url"
    wrk -t"$BENCH_THREADS" -c"$BENCH_CONNECTIONS" -d"$BENCH_DURATION" --timeout 10s --latency \
        -s "$BENCH_DIR/$script" "$url" | tee "$out"
    server_alive "during wrk $name"
    WRK_LINE=$(grep '^wrk_result ' "$out" | tail -1) || true
    [[ -n $WRK_LINE ]] || die "wrk $name printed no wrk_result line (see $out)"
    local e total=0
    for e in errors_connect errors_read errors_write errors_status errors_timeout; do
        total=$(( total + $(field "$WRK_LINE" "$e") ))
    done
    if (( total > 0 )); then
        echo "!!! wrk $name: $total errors (non-2xx/3xx or socket errors): $WRK_LINE" >&2
        FAILURES+=("$DB wrk $name: $total errors")
    fi
    (( $(field "$WRK_LINE" requests) > 0 )) || die "wrk $name completed no requests"
}

# run_fixed NAME METHOD PATH [BODY] -> stores its fixed_rate line in FIXED_LINE
run_fixed() {
    local name=$1 method=$2 path=$3 body=${4:-} out="$RESULTS_DIR/raw/$DB-fixed-$1.txt" rc=0
    local args=("$BASE$path" -X "$method" -H "Authorization: Bearer $TOKEN" -H 'Accept: application/json'
                --rate "$BENCH_FIXED_RATE" --duration "$BENCH_FIXED_SECONDS" --label "$name")
    [[ -n $body ]] && args+=(-H 'Content-Type: application/json' -d "$body")
    echo "--- fixed_rate $name: $BENCH_FIXED_RATE req/s for $BENCH_FIXED_SECONDS s, $method $path"
    python3 "$BENCH_DIR/fixed_rate.py" "${args[@]}" 2>&1 | tee "$out" || rc=$?
    server_alive "during fixed_rate $name"
    FIXED_LINE=$(grep '^fixed_rate ' "$out" | tail -1) || true
    [[ -n $FIXED_LINE ]] || die "fixed_rate $name printed no summary (see $out)"
    if (( rc != 0 )); then
        echo "!!! fixed_rate $name failed (exit $rc): $FIXED_LINE" >&2
        FAILURES+=("$DB fixed_rate $name: errors=$(field "$FIXED_LINE" errors)")
    fi
}

ms() { local v=${1%ms}; [[ -n $v ]] && printf '%.1f ms' "$v" || printf 'n/a'; }

FAILURES=()
declare -A R

bench_db() {
    DB=$1 DB_URL=$2
    TOKEN=""
    section "[$DB] migrate + bench user"
    kefu_cli migrate --yes
    kefu_cli user add --work-id 7001 --name 压测 --role agent --password bench1234

    section "[$DB] raw insert (kefu bench insert --count $BENCH_RAW_COUNT)"
    local raw_out="$RESULTS_DIR/raw/$DB-raw-insert.txt"
    kefu_cli bench insert --count "$BENCH_RAW_COUNT" | tee "$raw_out"
    local raw_line
    raw_line=$(grep '^raw_insert ' "$raw_out" | tail -1) || true
    [[ -n $raw_line ]] || die "kefu bench insert printed no 'raw_insert rows=... seconds=... rate=...' line"
    R[$DB,raw]=$(field "$raw_line" rate)
    [[ -n ${R[$DB,raw]} ]] || die "could not parse rate= from: $raw_line"

    section "[$DB] start server"
    start_server
    TOKEN=$(curl_json POST /api/v1/session '{"workId":"7001","password":"bench1234"}' | json_get token)
    [[ -n $TOKEN ]] || die "empty token"
    CUSTOMER_ID=$(curl_json POST /api/v1/customers '{"name":"压测客户","phone":"13800138000"}' | json_get id)
    [[ -n $CUSTOMER_ID ]] || die "empty customer id"
    local create_body
    create_body=$(printf '{"type":"consultation","channel":"phone","subject":"压测","description":"压测工单","customerId":"%s"}' "$CUSTOMER_ID")
    # one of each request by hand first, so a broken endpoint fails with its response body
    curl_json POST /api/v1/work-orders "$create_body" >/dev/null
    curl_json GET '/api/v1/work-orders?limit=50' >/dev/null
    echo "token ok, customer $CUSTOMER_ID, create + list answer 2xx"

    export KEFU_BENCH_TOKEN=$TOKEN KEFU_BENCH_CUSTOMER_ID=$CUSTOMER_ID

    section "[$DB] wrk: create work orders"
    run_wrk create create.lua "$BASE/api/v1/work-orders"
    R[$DB,create_rps]=$(field "$WRK_LINE" rps); R[$DB,create_p99]=$(field "$WRK_LINE" p99_ms)

    section "[$DB] wrk: list work orders"
    run_wrk list list.lua "$BASE/api/v1/work-orders?limit=50"
    R[$DB,list_rps]=$(field "$WRK_LINE" rps); R[$DB,list_p99]=$(field "$WRK_LINE" p99_ms)

    section "[$DB] fixed rate $BENCH_FIXED_RATE req/s: create"
    run_fixed create POST /api/v1/work-orders "$create_body"
    R[$DB,fixed_create_p99]=$(field "$FIXED_LINE" p99); R[$DB,fixed_create_ach]=$(field "$FIXED_LINE" achieved)
    R[$DB,fixed_create_err]=$(field "$FIXED_LINE" errors)

    section "[$DB] fixed rate $BENCH_FIXED_RATE req/s: list"
    run_fixed list GET '/api/v1/work-orders?limit=50'
    R[$DB,fixed_list_p99]=$(field "$FIXED_LINE" p99); R[$DB,fixed_list_ach]=$(field "$FIXED_LINE" achieved)
    R[$DB,fixed_list_err]=$(field "$FIXED_LINE" errors)

    R[$DB,ratio]=$(awk -v a="${R[$DB,create_rps]}" -v b="${R[$DB,raw]}" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }')
    unset KEFU_BENCH_TOKEN KEFU_BENCH_CUSTOMER_ID
    stop_server
}

# ---------------------------------------------------------------------------
DONE_DBS=()
for db in $BENCH_DBS; do
    case $db in
        sqlite)
            bench_db sqlite "sqlite://$tmp/bench.sqlite"
            ;;
        postgres)
            section "[postgres] start PostgreSQL on 127.0.0.1:$BENCH_PG_PORT"
            pgdir=$(mktemp -d)
            pg_admin_url=$(bash "$ROOT/scripts/pg-start" "$pgdir" "$BENCH_PG_PORT")
            psql "$pg_admin_url" -v ON_ERROR_STOP=1 -qc 'CREATE DATABASE kefu_bench'
            bench_db postgres "postgres://postgres@127.0.0.1:$BENCH_PG_PORT/kefu_bench"
            stop_pg
            ;;
        *) die "unknown database in BENCH_DBS: $db (want sqlite and/or postgres)" ;;
    esac
    DONE_DBS+=("$db")
done

# ---------------------------------------------------------------------------
section "Results"
report="$RESULTS_DIR/latest.md"
{
    echo "# Kefu load benchmark"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    if rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null); then
        git -C "$ROOT" diff --quiet HEAD -- Sources Package.swift 2>/dev/null || rev="$rev + uncommitted changes"
    else
        rev="none"
    fi
    echo "- commit: $rev"
    echo "- machine: $(nproc) cpus, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); load generator and server share the machine"
    echo "- wrk: -t$BENCH_THREADS -c$BENCH_CONNECTIONS -d$BENCH_DURATION; fixed rate: $BENCH_FIXED_RATE req/s for ${BENCH_FIXED_SECONDS} s (open loop, latency from scheduled send time); raw insert: $BENCH_RAW_COUNT rows"
    echo
    echo "| database | raw insert rows/s | create req/s | create p99 (wrk) | list req/s | list p99 (wrk) | create p99 @${BENCH_FIXED_RATE} rps | list p99 @${BENCH_FIXED_RATE} rps | create req/s ÷ raw insert rows/s |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for db in "${DONE_DBS[@]}"; do
        printf '| %s | %.0f | %.0f | %s | %.0f | %s | %s | %s | %s |\n' "$db" \
            "${R[$db,raw]}" "${R[$db,create_rps]}" "$(ms "${R[$db,create_p99]}")" \
            "${R[$db,list_rps]}" "$(ms "${R[$db,list_p99]}")" \
            "$(ms "${R[$db,fixed_create_p99]}")" "$(ms "${R[$db,fixed_list_p99]}")" "${R[$db,ratio]}"
    done
    echo
    echo "Fixed-rate runs achieved (req/s, errors):"
    for db in "${DONE_DBS[@]}"; do
        echo "- $db: create ${R[$db,fixed_create_ach]} (errors ${R[$db,fixed_create_err]}), list ${R[$db,fixed_list_ach]} (errors ${R[$db,fixed_list_err]})"
    done
    if (( ${#FAILURES[@]} > 0 )); then
        echo
        echo "**Errors during the run:**"
        for f in "${FAILURES[@]}"; do echo "- $f"; done
    fi
    echo
    echo "Raw tool output: Benchmarks/results/raw/"
} >"$report"
cat "$report"
echo
echo "written to $report"

if (( ${#FAILURES[@]} > 0 )); then
    die "${#FAILURES[@]} benchmark step(s) had request errors: ${FAILURES[*]}"
fi
