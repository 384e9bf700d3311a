#!/usr/bin/env bash
# Load benchmark of the kefu server (release build) on SQLite and PostgreSQL, beside a
# plain-database reference that writes the same rows without Kefu (Benchmarks/reference/).
# See Benchmarks/README.md. All traffic goes to 127.0.0.1 only.
#
#   bash Benchmarks/run.sh
#
# Environment knobs (defaults in brackets):
#   BENCH_DBS             databases to run                       ["sqlite postgres"]
#   BENCH_DURATION        wrk duration                           [15s]
#   BENCH_THREADS         wrk threads                            [2]
#   BENCH_CONNECTIONS     wrk connections                        [16]
#   BENCH_FIXED_RATE      fixed_rate.py req/s                    [500]
#   BENCH_FIXED_SECONDS   fixed_rate.py seconds                  [10]
#   BENCH_RAW_COUNT       rows for `kefu bench insert`           [5000]
#   BENCH_REF_SECONDS     plain reference duration (s)           [10]
#   BENCH_REF_COUNT       plain SQLite reference: at most rows   [100000]
#   BENCH_REF_CLIENTS     plain PostgreSQL reference: clients    [16]
#   BENCH_TWO             PostgreSQL: two `kefu serve` processes [1]
#   BENCH_DEMO            measure `kefu demo` ready time         [1]
#   BENCH_DEMO_GOAL       demo ready goal, seconds               [10]
#   BENCH_PORT            kefu serve port                        [18090]
#   BENCH_PORT2           second kefu serve port (PostgreSQL)    [BENCH_PORT+1]
#   BENCH_DEMO_PORT       kefu demo port                         [BENCH_PORT+2]
#   BENCH_PG_PORT         throwaway PostgreSQL port              [55433]
#   BENCH_LOG_LEVEL       LOG_LEVEL for the server               [warning]
#   BENCH_HISTORY         append a row to BENCH_HISTORY_FILE     [1]
#   BENCH_HISTORY_FILE    the history table's file               [Benchmarks/README.md]
#   KEFU_BIN              use this kefu binary instead of building one
#   SKIP_BUILD=1          don't build; use the existing .build-release binary
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
BENCH_REF_SECONDS=${BENCH_REF_SECONDS:-10}
BENCH_REF_COUNT=${BENCH_REF_COUNT:-100000}
BENCH_REF_CLIENTS=${BENCH_REF_CLIENTS:-16}
BENCH_TWO=${BENCH_TWO:-1}
BENCH_DEMO=${BENCH_DEMO:-1}
BENCH_DEMO_GOAL=${BENCH_DEMO_GOAL:-10}
BENCH_PORT=${BENCH_PORT:-18090}
BENCH_PORT2=${BENCH_PORT2:-$((BENCH_PORT + 1))}
BENCH_DEMO_PORT=${BENCH_DEMO_PORT:-$((BENCH_PORT + 2))}
BENCH_PG_PORT=${BENCH_PG_PORT:-55433}
BENCH_LOG_LEVEL=${BENCH_LOG_LEVEL:-warning}
BENCH_HISTORY=${BENCH_HISTORY:-1}
BENCH_HISTORY_FILE=${BENCH_HISTORY_FILE:-$BENCH_DIR/README.md}
BASE="http://127.0.0.1:$BENCH_PORT"
BASE2="http://127.0.0.1:$BENCH_PORT2"

# The goals of issue 12 (a missed goal is reported, not a script failure).
GOAL_SQLITE_CREATE=2000     # req/s, wrk -c16
GOAL_SQLITE_P99=20          # ms, create and list at BENCH_FIXED_RATE
GOAL_SQLITE_REF_RATIO=0.25  # create req/s ÷ plain SQLite reference
GOAL_PG_CREATE=1000         # req/s
GOAL_PG_P99=50              # ms, create and list at BENCH_FIXED_RATE
GOAL_PG_TWO=1.5             # two processes ÷ one

section() { printf '\n==================== %s ====================\n' "$*"; }
die() { echo "BENCHMARK FAILURE: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------
# cleanup
tmp=$(mktemp -d)
pgdir=""
server_pid=""
server_log=""
server2_pid=""
server2_log=""
demo_pid=""

# stop_pid PID: TERM, wait up to 10 s, then KILL.
stop_pid() {
    local pid=$1
    [[ -n $pid ]] || return 0
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}
stop_server() {
    stop_pid "$server2_pid"; server2_pid=""
    stop_pid "$server_pid"; server_pid=""
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
    stop_pid "$demo_pid"
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
for tool in wrk curl python3 psql pgbench; do
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
KEFU=$(cd "$(dirname "$KEFU")" && pwd -P)/$(basename "$KEFU")

# ---------------------------------------------------------------------------
# helpers

# kefu CLI with the benchmark database; stdin closed so no prompt can hang.
kefu_cli() { DATABASE_URL="$DB_URL" "$KEFU" "$@" </dev/null; }

# value of key=... in a "k=v k=v" line
field() { sed -n "s/.*[[:space:]]$2=\([^[:space:]]*\).*/\1/p" <<<" $1" | head -1; }

server_alive() {
    kill -0 "$server_pid" 2>/dev/null || { print_server_log; die "kefu server died ($1)"; }
    if [[ -n $server2_pid ]]; then
        kill -0 "$server2_pid" 2>/dev/null || { server_log=$server2_log; print_server_log; die "second kefu server died ($1)"; }
    fi
}

# launch_server PORT LOG -> pid in LAUNCHED_PID once /health answers
launch_server() {
    local port=$1 log=$2 pid
    if curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null; then
        die "something is already answering on port $port"
    fi
    DATABASE_URL="$DB_URL" LOG_LEVEL="$BENCH_LOG_LEVEL" "$KEFU" serve --port "$port" >"$log" 2>&1 </dev/null &
    pid=$!
    for _ in $(seq 1 120); do
        if ! kill -0 "$pid" 2>/dev/null; then
            server_log=$log; print_server_log; die "kefu server on port $port exited before /health answered"
        fi
        if curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null; then
            echo "server up on port $port (pid $pid, log $log)"
            LAUNCHED_PID=$pid
            return 0
        fi
        sleep 0.5
    done
    kill "$pid" 2>/dev/null || true
    die "server did not answer http://127.0.0.1:$port/health within 60 s"
}

start_server() {
    server_log="$RESULTS_DIR/raw/$DB-server.log"
    launch_server "$BENCH_PORT" "$server_log"
    server_pid=$LAUNCHED_PID
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

# wrk_errors LINE -> total of the error counters of a wrk_result line
wrk_errors() {
    local e total=0
    for e in errors_connect errors_read errors_write errors_status errors_timeout; do
        total=$(( total + $(field "$1" "$e") ))
    done
    echo "$total"
}

# run_wrk NAME SCRIPT URL -> prints the wrk output, stores its wrk_result line in WRK_LINE
run_wrk() {
    local name=$1 script=$2 url=$3 out="$RESULTS_DIR/raw/$DB-wrk-$1.txt"
    echo "--- wrk $name: -t$BENCH_THREADS -c$BENCH_CONNECTIONS -d$BENCH_DURATION $url"
    wrk -t"$BENCH_THREADS" -c"$BENCH_CONNECTIONS" -d"$BENCH_DURATION" --timeout 10s --latency \
        -s "$BENCH_DIR/$script" "$url" | tee "$out"
    server_alive "during wrk $name"
    WRK_LINE=$(grep '^wrk_result ' "$out" | tail -1) || true
    [[ -n $WRK_LINE ]] || die "wrk $name printed no wrk_result line (see $out)"
    local total
    total=$(wrk_errors "$WRK_LINE")
    if (( total > 0 )); then
        echo "!!! wrk $name: $total errors (non-2xx/3xx or socket errors): $WRK_LINE" >&2
        FAILURES+=("$DB wrk $name: $total errors")
    fi
    (( $(field "$WRK_LINE" requests) > 0 )) || die "wrk $name completed no requests"
}

# run_wrk_pair: two wrk runs at once, one per server (half the connections each);
# stores the summed rps in PAIR_RPS and the higher p99 in PAIR_P99.
run_wrk_pair() {
    local half=$(( BENCH_CONNECTIONS / 2 )) out1="$RESULTS_DIR/raw/$DB-wrk-create-two-a.txt" out2="$RESULTS_DIR/raw/$DB-wrk-create-two-b.txt"
    (( half >= 1 )) || half=1
    echo "--- wrk create on two servers at once: 2 × (-t1 -c$half -d$BENCH_DURATION), ports $BENCH_PORT and $BENCH_PORT2"
    local p1 p2 rc1=0 rc2=0
    wrk -t1 -c"$half" -d"$BENCH_DURATION" --timeout 10s --latency -s "$BENCH_DIR/create.lua" "$BASE/api/v1/work-orders" >"$out1" 2>&1 &
    p1=$!
    wrk -t1 -c"$half" -d"$BENCH_DURATION" --timeout 10s --latency -s "$BENCH_DIR/create.lua" "$BASE2/api/v1/work-orders" >"$out2" 2>&1 &
    p2=$!
    wait "$p1" || rc1=$?
    wait "$p2" || rc2=$?
    cat "$out1" "$out2"
    (( rc1 == 0 && rc2 == 0 )) || die "wrk on two servers failed (exit $rc1 / $rc2; see $out1 $out2)"
    server_alive "during wrk on two servers"
    local l1 l2 total
    l1=$(grep '^wrk_result ' "$out1" | tail -1) || true
    l2=$(grep '^wrk_result ' "$out2" | tail -1) || true
    [[ -n $l1 && -n $l2 ]] || die "wrk on two servers printed no wrk_result line (see $out1 $out2)"
    total=$(( $(wrk_errors "$l1") + $(wrk_errors "$l2") ))
    if (( total > 0 )); then
        echo "!!! wrk create on two servers: $total errors: $l1 / $l2" >&2
        FAILURES+=("$DB wrk create on two servers: $total errors")
    fi
    PAIR_RPS=$(awk -v a="$(field "$l1" rps)" -v b="$(field "$l2" rps)" 'BEGIN { printf "%.2f", a + b }')
    PAIR_P99=$(awk -v a="$(field "$l1" p99_ms)" -v b="$(field "$l2" p99_ms)" 'BEGIN { printf "%.3f", (a > b ? a : b) }')
    echo "two_servers rps=$PAIR_RPS p99_ms=$PAIR_P99 a_rps=$(field "$l1" rps) b_rps=$(field "$l2" rps)"
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

ms() { local v=${1:-}; v=${v%ms}; [[ -n $v && $v != n/a ]] && printf '%.1f ms' "$v" || printf 'n/a'; }
num() { [[ -n ${1:-} && $1 != n/a ]] && printf '%.0f' "$1" || printf 'n/a'; }
ratio() { awk -v a="${1:-}" -v b="${2:-}" 'BEGIN { if (a != "" && b + 0 > 0) printf "%.3f", a / b; else print "n/a" }'; }

FAILURES=()
declare -A R

# reference DB: the plain-database rate of the same rows, on its own freshly migrated database
run_reference() {
    local out="$RESULTS_DIR/raw/$DB-reference.txt" line
    section "[$DB] plain $DB reference (same rows, one transaction per order, no Kefu)"
    kefu_cli migrate --yes >/dev/null
    case $DB in
        sqlite)
            python3 "$BENCH_DIR/reference/plain_sqlite.py" --db "${DB_URL#sqlite://}" \
                --count "$BENCH_REF_COUNT" --seconds "$BENCH_REF_SECONDS" | tee "$out" ;;
        postgres)
            DATABASE_URL="$DB_URL" bash "$BENCH_DIR/reference/plain_postgres.sh" "$BENCH_REF_SECONDS" "$BENCH_REF_CLIENTS" | tee "$out"
            # its WAL is written out now, not during Kefu's runs
            psql "$DB_URL" -qc CHECKPOINT ;;
    esac
    line=$(grep '^reference ' "$out" | tail -1) || true
    [[ -n $line ]] || die "the $DB reference printed no 'reference db=... rate=...' line (see $out)"
    R[$DB,ref]=$(field "$line" rate)
    [[ -n ${R[$DB,ref]} ]] || die "could not parse rate= from: $line"
}

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

    if [[ $DB == postgres && $BENCH_TWO == 1 ]]; then
        section "[$DB] two kefu serve processes on one database: create"
        server2_log="$RESULTS_DIR/raw/$DB-server2.log"
        launch_server "$BENCH_PORT2" "$server2_log"
        server2_pid=$LAUNCHED_PID
        run_wrk_pair
        R[$DB,two_rps]=$PAIR_RPS; R[$DB,two_p99]=$PAIR_P99
        R[$DB,two_ratio]=$(ratio "$PAIR_RPS" "${R[$DB,create_rps]}")
    fi

    R[$DB,ratio_raw]=$(ratio "${R[$DB,create_rps]}" "${R[$DB,raw]}")
    R[$DB,ratio]=$(ratio "${R[$DB,create_rps]}" "${R[$DB,ref]:-}")
    unset KEFU_BENCH_TOKEN KEFU_BENCH_CUSTOMER_ID
    stop_server
}

# `kefu demo` as on a fresh checkout: an empty temp dir, no DATABASE_URL; seconds from
# start until /health answers (it migrates, loads the demo data, then serves).
measure_demo() {
    section "kefu demo: seconds until /health answers (fresh SQLite file in a temp dir)"
    local dir="$tmp/demo" log="$RESULTS_DIR/raw/demo.log" start end url="http://127.0.0.1:$BENCH_DEMO_PORT/health"
    mkdir -p "$dir"
    if curl -fsS --max-time 2 -o /dev/null "$url" 2>/dev/null; then die "something is already answering on $url"; fi
    start=$(date +%s.%N)
    (cd "$dir" && exec env -u DATABASE_URL LOG_LEVEL="$BENCH_LOG_LEVEL" "$KEFU" demo --port "$BENCH_DEMO_PORT" >"$log" 2>&1 </dev/null) &
    demo_pid=$!
    while ! curl -fsS --max-time 1 -o /dev/null "$url" 2>/dev/null; do
        kill -0 "$demo_pid" 2>/dev/null || { server_log=$log; print_server_log; die "kefu demo exited before /health answered"; }
        if (( $(awk -v s="$start" -v n="$(date +%s.%N)" 'BEGIN { print (n - s > 120) }') )); then
            die "kefu demo did not answer /health within 120 s (log $log)"
        fi
        sleep 0.05
    done
    end=$(date +%s.%N)
    R[demo]=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }')
    echo "demo_ready seconds=${R[demo]}"
    stop_pid "$demo_pid"; demo_pid=""
}

# ---------------------------------------------------------------------------
if [[ $BENCH_DEMO == 1 ]]; then measure_demo; fi

DONE_DBS=()
for db in $BENCH_DBS; do
    case $db in
        sqlite)
            DB=sqlite DB_URL="sqlite://$tmp/reference.sqlite"
            run_reference
            bench_db sqlite "sqlite://$tmp/bench.sqlite"
            ;;
        postgres)
            section "[postgres] start PostgreSQL on 127.0.0.1:$BENCH_PG_PORT (durable: fsync on)"
            pgdir=$(mktemp -d)
            # The port lies in Linux's ephemeral range, so a client socket of the runs before
            # can hold it for a moment: try a few times.
            pg_admin_url=""
            for attempt in 1 2 3; do
                if pg_admin_url=$(env -u PG_START_FAST bash "$ROOT/scripts/pg-start" "$pgdir" "$BENCH_PG_PORT"); then break; fi
                pg_admin_url=""
                echo "pg-start failed (attempt $attempt); retrying in 3 s" >&2
                sleep 3
            done
            [[ -n $pg_admin_url ]] || die "could not start PostgreSQL on port $BENCH_PG_PORT"
            psql "$pg_admin_url" -v ON_ERROR_STOP=1 -qc 'CREATE DATABASE kefu_bench' -c 'CREATE DATABASE kefu_reference'
            DB=postgres DB_URL="postgres://postgres@127.0.0.1:$BENCH_PG_PORT/kefu_reference"
            run_reference
            bench_db postgres "postgres://postgres@127.0.0.1:$BENCH_PG_PORT/kefu_bench"
            stop_pg
            ;;
        *) die "unknown database in BENCH_DBS: $db (want sqlite and/or postgres)" ;;
    esac
    DONE_DBS+=("$db")
done

# ---------------------------------------------------------------------------
# Goals: one line per goal of issue 12, PASS / FAIL / n/a (not measured in this run).
GOAL_ROWS=()
GOALS_PASSED=0 GOALS_TOTAL=0
# goal NAME VALUE OP TARGET UNIT
goal() {
    local name=$1 value=${2:-} op=$3 target=$4 unit=$5 result
    value=${value%ms}
    if [[ -z $value || $value == n/a ]]; then
        result="n/a"
    else
        result=$(awk -v v="$value" -v t="$target" -v op="$op" 'BEGIN {
            ok = (op == ">=") ? (v + 0 >= t + 0) : (v + 0 < t + 0); print ok ? "PASS" : "FAIL" }')
        GOALS_TOTAL=$((GOALS_TOTAL + 1))
        [[ $result == PASS ]] && GOALS_PASSED=$((GOALS_PASSED + 1))
    fi
    echo "goal name=\"$name\" value=${value:-n/a} target=$op$target result=$result"
    GOAL_ROWS+=("| $name | ${value:-n/a} $unit | $op $target $unit | **$result** |")
}
section "Goals (issue 12)"
has() { [[ " ${DONE_DBS[*]:-} " == *" $1 "* ]]; }
if has sqlite; then
    goal "SQLite create req/s (wrk -c$BENCH_CONNECTIONS)" "$(num "${R[sqlite,create_rps]}")" ">=" "$GOAL_SQLITE_CREATE" "req/s"
    goal "SQLite create p99 @$BENCH_FIXED_RATE req/s" "${R[sqlite,fixed_create_p99]}" "<" "$GOAL_SQLITE_P99" "ms"
    goal "SQLite list p99 @$BENCH_FIXED_RATE req/s" "${R[sqlite,fixed_list_p99]}" "<" "$GOAL_SQLITE_P99" "ms"
    goal "SQLite create ÷ plain SQLite reference" "${R[sqlite,ratio]}" ">=" "$GOAL_SQLITE_REF_RATIO" "×"
fi
if has postgres; then
    goal "PostgreSQL create req/s (wrk -c$BENCH_CONNECTIONS)" "$(num "${R[postgres,create_rps]}")" ">=" "$GOAL_PG_CREATE" "req/s"
    goal "PostgreSQL create p99 @$BENCH_FIXED_RATE req/s" "${R[postgres,fixed_create_p99]}" "<" "$GOAL_PG_P99" "ms"
    goal "PostgreSQL list p99 @$BENCH_FIXED_RATE req/s" "${R[postgres,fixed_list_p99]}" "<" "$GOAL_PG_P99" "ms"
    goal "PostgreSQL two processes ÷ one (create)" "${R[postgres,two_ratio]:-}" ">=" "$GOAL_PG_TWO" "×"
fi
if [[ -n ${R[demo]:-} ]]; then
    goal "kefu demo ready" "${R[demo]}" "<" "$BENCH_DEMO_GOAL" "s"
fi
echo "goals passed=$GOALS_PASSED total=$GOALS_TOTAL"

# ---------------------------------------------------------------------------
section "Results"
report="$RESULTS_DIR/latest.md"
run_date=$(date -u '+%Y-%m-%d %H:%M UTC')
if rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null); then
    git -C "$ROOT" diff --quiet HEAD -- Sources Package.swift 2>/dev/null || rev="$rev + uncommitted changes"
else
    rev="none"
fi
machine="$(nproc) cpus, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
{
    echo "# Kefu load benchmark"
    echo
    echo "- date: $run_date"
    echo "- commit: $rev"
    echo "- machine: $machine; load generator and server share the machine"
    echo "- wrk: -t$BENCH_THREADS -c$BENCH_CONNECTIONS -d$BENCH_DURATION; fixed rate: $BENCH_FIXED_RATE req/s for ${BENCH_FIXED_SECONDS} s (open loop, latency from scheduled send time); raw insert: $BENCH_RAW_COUNT rows"
    echo "- plain reference (Benchmarks/reference/): the rows of one create (duplicate check, daily number, order, timeline + audit, duplicate links) in one transaction per order, no Kefu; SQLite: Python sqlite3, one connection, WAL, synchronous=NORMAL; PostgreSQL: pgbench -M prepared, $BENCH_REF_CLIENTS clients, durable (fsync on); ${BENCH_REF_SECONDS} s each"
    echo
    echo "| database | plain reference rows/s | kefu bench insert rows/s | create req/s | create p99 (wrk) | list req/s | list p99 (wrk) | create p99 @${BENCH_FIXED_RATE} rps | list p99 @${BENCH_FIXED_RATE} rps | create ÷ reference | create ÷ bench insert |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for db in "${DONE_DBS[@]}"; do
        printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$db" \
            "$(num "${R[$db,ref]:-}")" "$(num "${R[$db,raw]}")" "$(num "${R[$db,create_rps]}")" "$(ms "${R[$db,create_p99]}")" \
            "$(num "${R[$db,list_rps]}")" "$(ms "${R[$db,list_p99]}")" \
            "$(ms "${R[$db,fixed_create_p99]}")" "$(ms "${R[$db,fixed_list_p99]}")" "${R[$db,ratio]}" "${R[$db,ratio_raw]}"
    done
    if [[ -n ${R[postgres,two_rps]:-} ]]; then
        echo
        echo "PostgreSQL, two \`kefu serve\` processes on one database (ports $BENCH_PORT and $BENCH_PORT2, wrk -t1 -c$(( BENCH_CONNECTIONS / 2 )) on each at once): create $(num "${R[postgres,two_rps]}") req/s together (p99 $(ms "${R[postgres,two_p99]}")), ${R[postgres,two_ratio]}× one process."
    fi
    if [[ -n ${R[demo]:-} ]]; then
        echo
        echo "\`kefu demo\` on a fresh SQLite file: /health answered after ${R[demo]} s (migrate + demo data + serve)."
    fi
    echo
    echo "Fixed-rate runs achieved (req/s, errors):"
    for db in "${DONE_DBS[@]}"; do
        echo "- $db: create ${R[$db,fixed_create_ach]} (errors ${R[$db,fixed_create_err]}), list ${R[$db,fixed_list_ach]} (errors ${R[$db,fixed_list_err]})"
    done
    echo
    echo "## Goals (issue 12): $GOALS_PASSED of $GOALS_TOTAL met"
    echo
    echo "| goal | measured | target | result |"
    echo "|---|---:|---:|---|"
    for row in "${GOAL_ROWS[@]}"; do echo "$row"; done
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

# ---------------------------------------------------------------------------
# History: one dated row per run in Benchmarks/README.md, above the marker line.
if [[ $BENCH_HISTORY == 1 ]]; then
    cell() { [[ -n ${1:-} && $1 != n/a ]] && printf '%s' "$1" || printf '–'; }
    row=$(printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' \
        "$run_date" "$rev" "$machine" \
        "$(cell "$(num "${R[sqlite,create_rps]:-}")")" "$(cell "$(ms "${R[sqlite,fixed_create_p99]:-}")")" \
        "$(cell "$(num "${R[sqlite,ref]:-}")")" "$(cell "$(num "${R[sqlite,raw]:-}")")" "$(cell "${R[sqlite,ratio]:-}")" \
        "$(cell "$(num "${R[postgres,create_rps]:-}")")" "$(cell "$(ms "${R[postgres,fixed_create_p99]:-}")")" \
        "$(cell "$(num "${R[postgres,ref]:-}")")" "$(cell "${R[postgres,two_ratio]:-}")" \
        "$(cell "${R[demo]:+${R[demo]} s}")" "$GOALS_PASSED/$GOALS_TOTAL")
    if python3 - "$BENCH_HISTORY_FILE" "$row" <<'PY'
import sys
path, row = sys.argv[1], sys.argv[2]
marker = "<!-- run.sh adds a row above this line -->"
text = open(path, encoding="utf-8").read()
if marker not in text:
    sys.exit("no history marker in %s" % path)
open(path, "w", encoding="utf-8").write(text.replace(marker, row + "\n" + marker, 1))
PY
    then echo "history row added to $BENCH_HISTORY_FILE"
    else echo "warning: could not add the history row to $BENCH_HISTORY_FILE (marker line missing?)" >&2
    fi
fi

if (( ${#FAILURES[@]} > 0 )); then
    die "${#FAILURES[@]} benchmark step(s) had request errors: ${FAILURES[*]}"
fi
