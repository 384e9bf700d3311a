#!/usr/bin/env bash
# Page times with a year of work orders (1,000,000 by default) in the database.
# See Benchmarks/pages/README.md. All traffic goes to 127.0.0.1 only.
#
#   bash Benchmarks/pages/run.sh
#
# Environment knobs (defaults in brackets):
#   PAGES_DBS         databases to run                         ["sqlite"]; add postgres
#   PAGES_ORDERS      work orders to bulk-load                 [1000000]
#   PAGES_RUNS        timed requests per page                  [20]
#   PAGES_WARMUP      untimed requests per page first          [2]
#   PAGES_LIMIT_MS    the goal per page (p99 of time to first byte) [100]
#   PAGES_PORT        kefu serve port                          [18140]
#   PAGES_PG_PORT     throwaway PostgreSQL port (durable)      [55460]
#   PAGES_ONLY        comma-separated page names to time       [all]
#   PAGES_LOG_LEVEL   LOG_LEVEL of the server                  [warning]
#   PAGES_KEEP_DIR    keep the loaded databases here and reuse them on the next run
#                     (a loaded SQLite file / PostgreSQL cluster is reused when present)
#   KEFU_BIN          the kefu binary [.build-release/release/kefu]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$(pwd -P)
HERE="$ROOT/Benchmarks/pages"
RESULTS="$HERE/results"

PAGES_DBS=${PAGES_DBS:-sqlite}
PAGES_ORDERS=${PAGES_ORDERS:-1000000}
PAGES_RUNS=${PAGES_RUNS:-20}
PAGES_WARMUP=${PAGES_WARMUP:-2}
PAGES_LIMIT_MS=${PAGES_LIMIT_MS:-100}
PAGES_PORT=${PAGES_PORT:-18140}
PAGES_PG_PORT=${PAGES_PG_PORT:-55460}
PAGES_ONLY=${PAGES_ONLY:-}
PAGES_LOG_LEVEL=${PAGES_LOG_LEVEL:-warning}
KEFU_BIN=${KEFU_BIN:-$ROOT/.build-release/release/kefu}
BASE="http://127.0.0.1:$PAGES_PORT"

die() { echo "PAGES BENCHMARK FAILURE: $*" >&2; exit 1; }
[[ -x $KEFU_BIN ]] || die "no kefu binary at $KEFU_BIN (build it, or set KEFU_BIN)"
for tool in curl python3; do command -v "$tool" >/dev/null || die "$tool is not installed"; done

tmp=$(mktemp -d)
keep=${PAGES_KEEP_DIR:-}
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
        server_log=""
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

# start_server CMD... : runs kefu with DATABASE_URL set, waits for /health
start_server() {
    server_log="$tmp/server-$1.log"
    LOG_LEVEL=$PAGES_LOG_LEVEL "$KEFU_BIN" "$@" --port "$PAGES_PORT" >"$server_log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 600); do
        curl -sf "$BASE/health" >/dev/null 2>&1 && return 0
        kill -0 "$server_pid" 2>/dev/null || die "kefu $1 exited (see $server_log)"
        sleep 0.1
    done
    die "kefu $1 did not answer /health in 60 s"
}

mkdir -p "$RESULTS"
md="$RESULTS/latest.md"
{
    echo "# Page times with $PAGES_ORDERS work orders"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'),"
    echo "$(nproc) cores, binary \`${KEFU_BIN#"$ROOT/"}\`. Time to first byte over loopback, $PAGES_RUNS requests per page"
    echo "after $PAGES_WARMUP warm-up requests, one keep-alive connection per signed-in person."
} >"$md"

status=0
for db in $PAGES_DBS; do
    echo "==================== $db: $PAGES_ORDERS orders ===================="
    case $db in
        sqlite)
            file="$work/pages-$PAGES_ORDERS.sqlite"
            export DATABASE_URL="sqlite://$file"
            db_args=(--sqlite "$file")
            loaded=0; [[ -n $keep && -s $file && -e $file.loaded ]] && loaded=1
            [[ $loaded == 0 ]] && rm -f "$file" "$file-wal" "$file-shm" "$file.loaded"
            ;;
        postgres)
            command -v psql >/dev/null || die "psql is not installed"
            # pg-start runs the server as the postgres user: its directory must be reachable.
            if [[ -n $keep ]]; then
                chmod o+x "$keep"; pgdir="$keep/pg-$PAGES_ORDERS"
            else
                pgdir=$(mktemp -d /tmp/kefu-pages-pg.XXXXXX)
            fi
            loaded=0; [[ -n $keep && -e $pgdir.loaded ]] && loaded=1
            if [[ $loaded == 0 && -n $keep ]]; then rm -rf "$pgdir" "$pgdir.loaded"; fi
            # durable settings (fsync on): no PG_START_FAST
            admin=$(env -u PG_START_FAST bash "$ROOT/scripts/pg-start" "$pgdir" "$PAGES_PG_PORT") || die "pg-start failed"
            url="postgres://postgres@127.0.0.1:$PAGES_PG_PORT/kefu_pages"
            if [[ $loaded == 0 ]]; then
                psql "$admin" -qAt -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS kefu_pages" -c "CREATE DATABASE kefu_pages" >/dev/null
            fi
            export DATABASE_URL="$url"
            db_args=(--pg-url "$url")
            ;;
        *) die "unknown database '$db' in PAGES_DBS" ;;
    esac

    if [[ $loaded == 0 ]]; then
        # The demo center (users in every role, workforce, QC, live data), as `kefu demo` loads it.
        t0=$(date +%s.%N)
        start_server demo
        t1=$(date +%s.%N)
        stop_server
        echo "pages_demo db=$db seconds_to_ready=$(python3 -c "print(round($t1 - $t0, 2))")"
        python3 "$HERE/gen_orders.py" "${db_args[@]}" --orders "$PAGES_ORDERS" --workdir "$tmp" || die "bulk load failed"
        if [[ -n $keep ]]; then
            if [[ $db == sqlite ]]; then touch "$file.loaded"; else touch "$pgdir.loaded"; fi
        fi
    else
        echo "reusing the loaded $db database in $work"
    fi

    # `kefu serve` migrates nothing; run migrate so a reused database gets new indexes (M015 …).
    LOG_LEVEL=warning "$KEFU_BIN" migrate --yes >"$tmp/migrate.log" 2>&1 || { cat "$tmp/migrate.log" >&2; die "kefu migrate failed"; }
    start_server serve
    python3 "$HERE/time_pages.py" --base "$BASE" --db "$db" "${db_args[@]}" --runs "$PAGES_RUNS" --warmup "$PAGES_WARMUP" \
        --limit-ms "$PAGES_LIMIT_MS" --markdown "$md" ${PAGES_ONLY:+--only "$PAGES_ONLY"} | tee "$tmp/pages-$db.txt" || status=1
    grep -q "result=FAIL" "$tmp/pages-$db.txt" && status=1
    stop_server
    stop_pg
done

echo
cat "$md"
exit $status
