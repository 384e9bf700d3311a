#!/usr/bin/env bash
# Live benchmark: CTI events/s ingested and event -> wallboard latency with 500
# WebSocket clients, on SQLite (one process) and PostgreSQL (two processes).
# See Benchmarks/live/README.md. All traffic goes to 127.0.0.1 only.
#
#   bash Benchmarks/live/run.sh [sqlite|postgres|all]      (default: all)
#
# Environment knobs (defaults in brackets):
#   LIVE_EVENTS     events for the batch-ingest phase              [100000]
#   LIVE_BATCH      events per request                             [500]
#   LIVE_SENDERS    concurrent senders                             [4]
#   LIVE_SINGLE_S   seconds of single-event ingest                 [10]
#   LIVE_CLIENTS    wallboard WebSocket clients                    [500]
#   LIVE_RATE       steady marker rate, events/s                   [20]
#   LIVE_SECONDS    steady marker duration, s                      [30]
#   LIVE_ISOLATED   isolated markers (one at a time)               [100]
#   LIVE_CLIENT_PROCS processes the WebSocket clients are spread over [4]
#   LIVE_PORT       kefu port, process 1                           [18300]
#   LIVE_PORT2      kefu port, process 2 (PostgreSQL only)         [18301]
#   LIVE_PG_PORT    throwaway PostgreSQL port                      [55440]
#   LIVE_LOG_LEVEL  LOG_LEVEL of the servers                       [warning]
#   KEFU_BIN        use this kefu binary instead of building one
#   SKIP_BUILD=1    don't build; use the existing .build-release binary
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$(pwd -P)
LIVE_DIR="$ROOT/Benchmarks/live"
RESULTS_DIR="$ROOT/Benchmarks/results/live"

WHICH=${1:-all}
case $WHICH in
    sqlite) DBS="sqlite" ;;
    postgres) DBS="postgres" ;;
    all) DBS="sqlite postgres" ;;
    *) echo "usage: $0 [sqlite|postgres|all]" >&2; exit 2 ;;
esac

LIVE_EVENTS=${LIVE_EVENTS:-100000}
LIVE_BATCH=${LIVE_BATCH:-500}
LIVE_SENDERS=${LIVE_SENDERS:-4}
LIVE_SINGLE_S=${LIVE_SINGLE_S:-10}
LIVE_CLIENTS=${LIVE_CLIENTS:-500}
LIVE_RATE=${LIVE_RATE:-20}
LIVE_SECONDS=${LIVE_SECONDS:-30}
LIVE_ISOLATED=${LIVE_ISOLATED:-100}
LIVE_CLIENT_PROCS=${LIVE_CLIENT_PROCS:-4}
LIVE_PORT=${LIVE_PORT:-18300}
LIVE_PORT2=${LIVE_PORT2:-18301}
LIVE_PG_PORT=${LIVE_PG_PORT:-55440}
LIVE_LOG_LEVEL=${LIVE_LOG_LEVEL:-warning}

BENCH_SCRIPT=Benchmarks/live/run.sh BENCH_TITLE=LIVE BENCH_LOG_DIR=$RESULTS_DIR BENCH_LOG_LEVEL=$LIVE_LOG_LEVEL
# shellcheck source=../lib/servers.sh
source "$ROOT/Benchmarks/lib/servers.sh"

# ---------------------------------------------------------------------------
section "Prerequisites"
for tool in curl python3; do command -v "$tool" >/dev/null || die "$tool not found"; done
if [[ $DBS == *postgres* ]]; then command -v psql >/dev/null || die "psql not found (apt-get install -y postgresql)"; fi
bench_python "$LIVE_DIR"
"$PY" -c 'import aiohttp; print("aiohttp", aiohttp.__version__)'
mkdir -p "$RESULTS_DIR"

section "Build (release, .build-release)"
if [[ -n ${KEFU_BIN:-} ]]; then
    KEFU=$KEFU_BIN
else
    if [[ ${SKIP_BUILD:-0} != 1 ]]; then
        swift build -c release --product kefu --scratch-path .build-release
    fi
    KEFU="$(swift build -c release --scratch-path .build-release --show-bin-path)/kefu"
fi
[[ -x $KEFU ]] || die "kefu binary not found at $KEFU"
echo "kefu: $KEFU ($(stat -c '%y' "$KEFU" | cut -d. -f1))"

run_bench() {
    local label=$1; shift
    local stamp; stamp=$(date -u +%Y%m%dT%H%M%SZ)
    local out="$RESULTS_DIR/$label-$stamp.json"
    "$PY" "$LIVE_DIR/live_bench.py" --label "$label" "$@" \
        --events "$LIVE_EVENTS" --batch "$LIVE_BATCH" --senders "$LIVE_SENDERS" --single-seconds "$LIVE_SINGLE_S" \
        --clients "$LIVE_CLIENTS" --rate "$LIVE_RATE" --seconds "$LIVE_SECONDS" --isolated "$LIVE_ISOLATED" --client-procs "$LIVE_CLIENT_PROCS" \
        --out "$out" || FAILED+=("$label")
    cp "$out" "$RESULTS_DIR/$label-latest.json" 2>/dev/null || true
    local p
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null || { FAILED+=("$label: server pid $p died"); }; done
    OUTS+=("$out")
}

FAILED=()
OUTS=()
for db in $DBS; do
    case $db in
        sqlite)
            section "[sqlite] kefu demo on :$LIVE_PORT"
            url="sqlite://$tmp/live.sqlite"
            start_kefu "$LIVE_PORT" sqlite-p1 demo
            run_bench sqlite --base "http://127.0.0.1:$LIVE_PORT"
            stop_servers
            ;;
        postgres)
            section "[postgres] PostgreSQL on :$LIVE_PG_PORT, kefu demo on :$LIVE_PORT, kefu serve on :$LIVE_PORT2"
            start_pg "$LIVE_PG_PORT" kefu_live
            start_kefu "$LIVE_PORT" postgres-p1 demo
            start_kefu "$LIVE_PORT2" postgres-p2 serve
            run_bench postgres-2proc --base "http://127.0.0.1:$LIVE_PORT" --base "http://127.0.0.1:$LIVE_PORT2"
            stop_servers
            stop_pg
            ;;
    esac
done

section "Results"
"$PY" - "${OUTS[@]}" <<'EOF'
import json, sys
rows = [("run", "batch ev/s", "single ev/s", "steady p50", "steady p99", "steady max", "isolated p50", "isolated p99", "missed")]
for path in sys.argv[1:]:
    try:
        r = json.load(open(path))
    except Exception as e:
        rows.append((path, "unreadable", str(e), "", "", "", "", "", "")); continue
    b = r.get("batch_ingest", {}); s = r.get("single_ingest", {}); l = r.get("latency", {})
    st = l.get("steady", {}).get("latency", {}); iso = l.get("isolated", {}).get("latency", {})
    ms = lambda d, k: f"{d[k]:.0f} ms" if k in d else "n/a"
    rows.append((r["label"], f"{b.get('events_per_s', 0):.0f}", f"{s.get('events_per_s', 0):.0f}",
                 ms(st, "p50_ms"), ms(st, "p99_ms"), ms(st, "max_ms"), ms(iso, "p50_ms"), ms(iso, "p99_ms"),
                 str(l.get("steady", {}).get("missed", "n/a")) + "/" + str(l.get("isolated", {}).get("missed", "n/a"))))
    if "error" in r:
        rows.append(("", "ERROR: " + r["error"][:100], "", "", "", "", "", "", ""))
w = [max(len(x[i]) for x in rows) for i in range(len(rows[0]))]
for x in rows:
    print("  ".join(x[i].ljust(w[i]) for i in range(len(x))))
print("\ngoals: >= 5000 events/s ingested; event -> wallboard p99 < 100 ms (500 clients)")
EOF
if (( ${#FAILED[@]} )); then
    echo "failures: ${FAILED[*]}" >&2
    exit 1
fi
