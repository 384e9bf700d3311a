#!/usr/bin/env bash
# The one search box under load: 1,000,000 work orders and 200,000 customers of varied
# Chinese text, 20 searches at a time (wrk, closed loop) while orders are being created
# (fixed_rate.py, the create benchmark's request). See Benchmarks/search/README.md.
# All traffic goes to 127.0.0.1 only.
#
#   bash Benchmarks/search/run.sh
#
# Environment knobs (defaults in brackets):
#   SEARCH_DBS          databases to run                              ["sqlite postgres"]
#   SEARCH_ORDERS       work orders to bulk-load                      [1000000]
#   SEARCH_CUSTOMERS    customers to bulk-load                        [200000]
#   SEARCH_SECONDS      seconds of search load                        [30]
#   SEARCH_CONNECTIONS  searches in flight (wrk connections)          [20]
#   SEARCH_CREATE_RATE  order creates per second during the searches  [200]; 0 = none
#   SEARCH_P50_MS       goal: median search time                      [10]
#   SEARCH_P99_MS       goal: 99th percentile search time             [50]
#   SEARCH_PORT         kefu serve port                               [18150]
#   SEARCH_PG_PORT      throwaway PostgreSQL port (durable)           [55470]
#   SEARCH_KEEP_DIR     keep the loaded databases here and reuse them (index included)
#   SEARCH_LOG_LEVEL    LOG_LEVEL of the server                       [warning]
#   KEFU_BIN            the kefu binary [.build-release/release/kefu]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$(pwd -P)
HERE="$ROOT/Benchmarks/search"
RESULTS="$HERE/results"

SEARCH_DBS=${SEARCH_DBS:-sqlite postgres}
SEARCH_ORDERS=${SEARCH_ORDERS:-1000000}
SEARCH_CUSTOMERS=${SEARCH_CUSTOMERS:-200000}
SEARCH_SECONDS=${SEARCH_SECONDS:-30}
SEARCH_CONNECTIONS=${SEARCH_CONNECTIONS:-20}
SEARCH_CREATE_RATE=${SEARCH_CREATE_RATE:-200}
SEARCH_P50_MS=${SEARCH_P50_MS:-10}
SEARCH_P99_MS=${SEARCH_P99_MS:-50}
SEARCH_PORT=${SEARCH_PORT:-18150}
SEARCH_PG_PORT=${SEARCH_PG_PORT:-55470}
SEARCH_LOG_LEVEL=${SEARCH_LOG_LEVEL:-warning}
KEFU_BIN=${KEFU_BIN:-$ROOT/.build-release/release/kefu}
BASE="http://127.0.0.1:$SEARCH_PORT"
# The data key of the fields sealed at rest (required on PostgreSQL): a fixed, public one for benchmarks.
export KEFU_DATA_KEY="${KEFU_DATA_KEY:-$(printf %s 'kefu-benchmark-key-not-secret!!!' | base64)}"

die() { echo "SEARCH BENCHMARK FAILURE: $*" >&2; exit 1; }
[[ -x $KEFU_BIN ]] || die "no kefu binary at $KEFU_BIN (build it, or set KEFU_BIN)"
for tool in curl python3 wrk; do command -v "$tool" >/dev/null || die "$tool is not installed"; done

tmp=$(mktemp -d)
keep=${SEARCH_KEEP_DIR:-}
[[ -n $keep ]] && mkdir -p "$keep"
work=${keep:-$tmp}
server_pid=""
server_log=""
pgdir=""

stop_server() {
    if [[ -n $server_pid ]]; then
        kill "$server_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}
stop_pg() {
    if [[ -n $pgdir ]]; then
        bash "$ROOT/scripts/pg-stop" "$pgdir" >/dev/null 2>&1 || echo "warning: pg-stop $pgdir failed" >&2
        [[ -z $keep ]] && rm -rf "$pgdir"
        pgdir=""
    fi
}
cleanup() {
    local status=$?
    set +e
    if [[ $status -ne 0 && -n $server_log && -s $server_log ]]; then
        echo "---- server log ($server_log, last 40 lines) ----" >&2; tail -n 40 "$server_log" >&2
    fi
    stop_server
    stop_pg
    rm -rf "$tmp"
    exit "$status"
}
trap cleanup EXIT INT TERM

start_server() {
    server_log="$tmp/server-$1.log"
    LOG_LEVEL=$SEARCH_LOG_LEVEL "$KEFU_BIN" "$@" --port "$SEARCH_PORT" >"$server_log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 600); do
        curl -sf "$BASE/health" >/dev/null 2>&1 && return 0
        kill -0 "$server_pid" 2>/dev/null || die "kefu $1 exited (see $server_log)"
        sleep 0.1
    done
    die "kefu $1 did not answer /health in 60 s"
}

json_get() { python3 -c "import json,sys; print(json.load(sys.stdin).get('$1',''))"; }
post_json() { curl -sf -X POST "$BASE$1" -H 'Content-Type: application/json' -H 'Accept: application/json' ${TOKEN:+-H "Authorization: Bearer $TOKEN"} -d "$2"; }

mkdir -p "$RESULTS"
md="$RESULTS/latest.md"
{
    echo "# Search with $SEARCH_ORDERS work orders and $SEARCH_CUSTOMERS customers"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores,"
    echo "binary \`${KEFU_BIN#"$ROOT/"}\`. $SEARCH_CONNECTIONS searches in flight for ${SEARCH_SECONDS} s (wrk, closed loop, the mix of"
    echo "\`queries.py\`), with $SEARCH_CREATE_RATE order creates a second at the same time (\`fixed_rate.py\`). Goals: p50 < $SEARCH_P50_MS ms, p99 < $SEARCH_P99_MS ms."
    echo
    echo "| database | index build | index size | searches/s | p50 | p90 | p99 | max | creates/s (p99) | result |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
} >"$md"

python3 "$HERE/queries.py" --count 400 >"$tmp/queries.txt"
status=0
for db in $SEARCH_DBS; do
    echo "==================== $db: $SEARCH_ORDERS orders, $SEARCH_CUSTOMERS customers ===================="
    case $db in
        sqlite)
            file="$work/search-$SEARCH_ORDERS.sqlite"
            export DATABASE_URL="sqlite://$file"
            db_args=(--sqlite "$file")
            loaded=0; [[ -n $keep && -s $file && -e $file.loaded ]] && loaded=1
            [[ $loaded == 0 ]] && rm -f "$file" "$file-wal" "$file-shm" "$file.loaded"
            ;;
        postgres)
            command -v psql >/dev/null || die "psql is not installed"
            if [[ -n $keep ]]; then chmod o+x "$keep"; pgdir="$keep/pg-$SEARCH_ORDERS"; else pgdir=$(mktemp -d /tmp/kefu-search-pg.XXXXXX); fi
            loaded=0; [[ -n $keep && -e $pgdir.loaded ]] && loaded=1
            if [[ $loaded == 0 && -n $keep ]]; then rm -rf "$pgdir" "$pgdir.loaded"; fi
            admin=$(env -u PG_START_FAST bash "$ROOT/scripts/pg-start" "$pgdir" "$SEARCH_PG_PORT") || die "pg-start failed"
            url="postgres://postgres@127.0.0.1:$SEARCH_PG_PORT/kefu_search"
            if [[ $loaded == 0 ]]; then
                psql "$admin" -qAt -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS kefu_search" -c "CREATE DATABASE kefu_search" >/dev/null
            fi
            export DATABASE_URL="$url"
            db_args=(--pg-url "$url")
            ;;
        *) die "unknown database '$db' in SEARCH_DBS" ;;
    esac

    build="(reused)"
    if [[ $loaded == 0 ]]; then
        start_server demo
        stop_server
        python3 "$ROOT/Benchmarks/pages/gen_orders.py" "${db_args[@]}" --orders "$SEARCH_ORDERS" --customers "$SEARCH_CUSTOMERS" \
            --rich-text --workdir "$tmp" || die "bulk load failed"
        LOG_LEVEL=warning "$KEFU_BIN" migrate --yes >"$tmp/migrate.log" 2>&1 || { cat "$tmp/migrate.log" >&2; die "kefu migrate failed"; }
        # The rows the load wrote were noted by the database's triggers: index them all, timed.
        line=$(LOG_LEVEL=warning "$KEFU_BIN" search index | grep '^search_index ') || die "kefu search index failed"
        echo "$line"
        build="$(sed -E 's/.*seconds=([0-9.]+).*/\1/' <<<"$line") s"
        if [[ -n $keep ]]; then if [[ $db == sqlite ]]; then touch "$file.loaded"; else touch "$pgdir.loaded"; fi; fi
    else
        LOG_LEVEL=warning "$KEFU_BIN" migrate --yes >"$tmp/migrate.log" 2>&1 || { cat "$tmp/migrate.log" >&2; die "kefu migrate failed"; }
        LOG_LEVEL=warning "$KEFU_BIN" search index >/dev/null || die "kefu search index failed"
    fi
    size_line=$(LOG_LEVEL=warning "$KEFU_BIN" search status | grep '^search_status ') || die "kefu search status failed"
    echo "$size_line"
    bytes=$(sed -E 's/.*index_bytes=([0-9]+).*/\1/' <<<"$size_line")
    size="$(python3 -c "print(f'{$bytes / 1048576:.0f} MB')")"

    start_server serve
    TOKEN=""
    TOKEN=$(post_json /api/v1/session '{"workId":"1001","password":"demo1234"}' | json_get token)
    [[ -n $TOKEN ]] || die "no token for agent 1001"
    customer=$(post_json /api/v1/customers '{"name":"搜索压测客户","phone":"13700137000"}' | json_get id) || true
    [[ -n $customer ]] || customer=$(curl -sf "$BASE/api/v1/customers?phone=13700137000" -H "Authorization: Bearer $TOKEN" | python3 -c "import json,sys; print(json.load(sys.stdin)['items'][0]['id'])")
    export KEFU_BENCH_TOKEN=$TOKEN KEFU_SEARCH_QUERIES="$tmp/queries.txt"
    # Warm-up: every query once (the page cache after a load is not a center's steady state).
    wrk -t1 -c2 -d5s -s "$HERE/search.lua" "$BASE" >/dev/null

    create_pid=""
    if [[ $SEARCH_CREATE_RATE != 0 ]]; then
        # Orders like the loaded ones (varied text), so the newest rows look like a center's.
        python3 - "$customer" >"$tmp/bodies.jsonl" <<'PY'
import json, random, sys
sys.path.insert(0, "Benchmarks/pages")
import gen_orders as g
rng = random.Random(5)
for _ in range(2000):
    t = rng.choice(["consultation", "query", "complaint", "business"])
    s = g.rich_subject(rng, t)
    print(json.dumps({"type": t, "channel": "phone", "subject": s, "description": g.rich_description(rng, s),
                      "customerId": sys.argv[1]}, ensure_ascii=False))
PY
        python3 "$ROOT/Benchmarks/fixed_rate.py" "$BASE/api/v1/work-orders" -X POST --data-lines "$tmp/bodies.jsonl" -H "Authorization: Bearer $TOKEN" \
            -H 'Content-Type: application/json' -r "$SEARCH_CREATE_RATE" -D $((SEARCH_SECONDS + 4)) -c 16 --max-errors 1000000 \
            --label creates >"$tmp/creates.txt" 2>&1 &
        create_pid=$!
        sleep 2
    fi
    wrk -t2 -c"$SEARCH_CONNECTIONS" -d"${SEARCH_SECONDS}s" --timeout 10s --latency -s "$HERE/search.lua" "$BASE" | tee "$tmp/wrk.txt"
    creates="-"
    if [[ -n $create_pid ]]; then
        wait "$create_pid" || true
        cat "$tmp/creates.txt"
        creates=$(python3 -c "
import re,sys
t=open('$tmp/creates.txt').read(); a=re.search(r'achieved=([0-9.]+)',t); p=re.search(r'p99=([0-9.]+m?s)',t); e=re.search(r'errors=([0-9]+)',t)
print(f\"{a.group(1) if a else '?'} ({p.group(1) if p else '?'}{', errors '+e.group(1) if e and e.group(1)!='0' else ''})\")")
    fi
    kill -0 "$server_pid" 2>/dev/null || die "the server died during the load"
    # The index kept up with the creates: what waits now is at most a batch or two.
    pending=$(LOG_LEVEL=warning "$KEFU_BIN" search status | sed -E 's/.*pending=([0-9]+).*/\1/')
    echo "search_pending_after_load=$pending"
    stop_server

    result=$(grep '^wrk_result ' "$tmp/wrk.txt" | tail -1) || die "wrk printed no result line"
    read -r rps p50 p90 p99 max errs < <(python3 -c "
import re
l='''$result'''
g=lambda k: float(re.search(k+r'=([0-9.]+)', l).group(1))
errs=sum(int(x) for x in re.findall(r'errors_\w+=([0-9]+)', l))
print(g('rps'), g('p50_ms'), g('p90_ms'), g('p99_ms'), g('max_ms'), errs)")
    verdict=$(python3 -c "print('PASS' if $p50 < $SEARCH_P50_MS and $p99 < $SEARCH_P99_MS and $errs == 0 else 'FAIL')")
    [[ $verdict == PASS ]] || status=1
    echo "search_result db=$db rps=$rps p50_ms=$p50 p99_ms=$p99 errors=$errs result=$verdict"
    echo "| $db | $build | $size | $rps | $p50 ms | $p90 ms | $p99 ms | $max ms | $creates | $verdict |" >>"$md"
    stop_pg
done

echo
cat "$md"
exit $status
