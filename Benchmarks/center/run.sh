#!/usr/bin/env bash
# A center's day, compressed: a 1,000-agent center's busiest hour at 10x speed against
# one kefu server on SQLite, then two kefu servers on one durable PostgreSQL.
# See Benchmarks/center/README.md. All traffic goes to 127.0.0.1 only.
#
#   bash Benchmarks/center/run.sh [sqlite|postgres|all]      (default: all)
#
# Environment knobs (defaults in brackets):
#   CENTER_AGENTS       agents                                        [1000]
#   CENTER_SECONDS      real seconds the busiest hour lasts           [360]
#   CENTER_SPEED        floor seconds per real second                 [10]
#   CENTER_CALLS_PER_AGENT_HOUR  calls per agent per floor hour       [6]  (6,000 for 1,000 agents)
#   CENTER_WALLBOARDS   wallboard WebSockets (split over processes)   [100]
#   CENTER_POLL_S       workspace poll interval, real seconds         [3]  (as Public/js/kefu.js)
#   CENTER_SIGNIN_S     agents sign in over this many seconds first   [20]
#   CENTER_DRAIN_S      at most this long for calls in progress after the hour [90]
#   CENTER_SLA_PROBES   orders the SLA sweeper escalates during the hour [30]
#   CENTER_SWEEP_S      the servers' KEFU_SWEEP_INTERVAL              [5]
#   CENTER_PORT / CENTER_PORT2   kefu ports                           [18120 / 18121]
#   CENTER_PG_PORT      throwaway PostgreSQL port (durable)           [55450]
#   CENTER_LOG_LEVEL    LOG_LEVEL of the servers                      [warning]
#   KEFU_BIN            kefu binary                      [.build-release/release/kefu]
#
# Smoke run (100 agents, 60 s, 10 wallboards):
#   CENTER_AGENTS=100 CENTER_SECONDS=60 CENTER_WALLBOARDS=10 CENTER_SIGNIN_S=5 bash Benchmarks/center/run.sh

# The data key of the fields sealed at rest (required on PostgreSQL): a fixed, public one for benchmarks.
export KEFU_DATA_KEY="${KEFU_DATA_KEY:-$(printf %s 'kefu-benchmark-key-not-secret!!!' | base64)}"

set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$(pwd -P)
HERE="$ROOT/Benchmarks/center"
RESULTS="$HERE/results"

WHICH=${1:-all}
case $WHICH in
    sqlite) DBS="sqlite" ;;
    postgres) DBS="postgres" ;;
    all) DBS="sqlite postgres" ;;
    *) echo "usage: $0 [sqlite|postgres|all]" >&2; exit 2 ;;
esac

CENTER_AGENTS=${CENTER_AGENTS:-1000}
CENTER_SECONDS=${CENTER_SECONDS:-360}
CENTER_SPEED=${CENTER_SPEED:-10}
CENTER_CALLS_PER_AGENT_HOUR=${CENTER_CALLS_PER_AGENT_HOUR:-6}
CENTER_WALLBOARDS=${CENTER_WALLBOARDS:-100}
CENTER_POLL_S=${CENTER_POLL_S:-3}
CENTER_SIGNIN_S=${CENTER_SIGNIN_S:-20}
CENTER_DRAIN_S=${CENTER_DRAIN_S:-90}
CENTER_SLA_PROBES=${CENTER_SLA_PROBES:-30}
CENTER_SWEEP_S=${CENTER_SWEEP_S:-5}
CENTER_PORT=${CENTER_PORT:-18120}
CENTER_PORT2=${CENTER_PORT2:-18121}
CENTER_PG_PORT=${CENTER_PG_PORT:-55450}
CENTER_LOG_LEVEL=${CENTER_LOG_LEVEL:-warning}
KEFU=${KEFU_BIN:-$ROOT/.build-release/release/kefu}
PASSWORD=bench1234

BENCH_SCRIPT=Benchmarks/center/run.sh BENCH_TITLE=CENTER BENCH_LOG_DIR=$RESULTS BENCH_LOG_LEVEL=$CENTER_LOG_LEVEL
KEFU_ENV=(KEFU_SWEEP_INTERVAL="$CENTER_SWEEP_S")
# shellcheck source=../lib/servers.sh
source "$ROOT/Benchmarks/lib/servers.sh"

section "Prerequisites"
for tool in curl python3; do command -v "$tool" >/dev/null || die "$tool not found"; done
if [[ $DBS == *postgres* ]]; then command -v psql >/dev/null || die "psql not found (apt-get install -y postgresql)"; fi
bench_python "$HERE"
[[ -x $KEFU ]] || die "kefu binary not found at $KEFU (build it: swift build -c release --product kefu --scratch-path .build-release, or set KEFU_BIN)"
echo "kefu: $KEFU ($(stat -c '%y' "$KEFU" | cut -d. -f1))"
mkdir -p "$RESULTS"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
md="$RESULTS/latest.md"
{
    echo "# Center benchmark — $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (+ uncommitted changes)'),"
    echo "binary $KEFU ($(stat -c '%y' "$KEFU" | cut -d. -f1)), $(nproc) cores."
    echo
} >"$md.tmp"

# kefu ARGS... with the run's database
kefu() { (cd "$ROOT" && DATABASE_URL="$url" LOG_LEVEL="$CENTER_LOG_LEVEL" "$KEFU" "$@"); }

# prepare: migrate, the template users, a switch token
prepare() {
    kefu migrate --yes >/dev/null
    kefu user add --work-id 90000 --name 模板话务员 --role agent --password "$PASSWORD" >/dev/null
    kefu user add --work-id 80000 --name 值班长 --role shift_lead --password "$PASSWORD" >/dev/null
    kefu user add --work-id 80001 --name 质检员 --role qc_inspector --password "$PASSWORD" >/dev/null
    cti_token=$(kefu cti token add --name center-switch | grep -o 'cti_[A-Za-z0-9_]*' | tail -1)
    [[ -n $cti_token ]] || die "kefu cti token add printed no token"
}

FAILED=()
run_bench() {
    local db=$1 label=$2; shift 2
    local out="$RESULTS/$label-$stamp.json"
    local args=()
    local p
    for p in "${pids[@]}"; do args+=(--pid "$p"); done
    "$PY" "$HERE/center_bench.py" --label "$label" --db-name "$db" --db-url "$url" --cti-token "$cti_token" "$@" "${args[@]}" \
        --agents "$CENTER_AGENTS" --seconds "$CENTER_SECONDS" --speed "$CENTER_SPEED" \
        --calls-per-agent-hour "$CENTER_CALLS_PER_AGENT_HOUR" --wallboards "$CENTER_WALLBOARDS" \
        --poll-seconds "$CENTER_POLL_S" --signin-seconds "$CENTER_SIGNIN_S" --drain-seconds "$CENTER_DRAIN_S" \
        --sla-probes "$CENTER_SLA_PROBES" --sweep-interval "$CENTER_SWEEP_S" \
        --password "$PASSWORD" --out "$out" --md "$md.tmp" || FAILED+=("$label")
    cp "$out" "$RESULTS/$label-latest.json" 2>/dev/null || true
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null || FAILED+=("$label: server pid $p died"); done
    local l n
    for l in "${logs[@]}"; do
        n=$(grep -ciE '\[ (error|critical) \]|fatal error' "$l" || true)
        if [[ $n -gt 0 ]]; then
            echo "$l: $n error line(s):"; grep -iE '\[ (error|critical) \]|fatal error' "$l" | head -5
            { echo; echo "Server log $(basename "$l"): $n error line(s), first: \`$(grep -iE '\[ (error|critical) \]|fatal error' "$l" | head -1 | cut -c1-200)\`"; echo; } >>"$md.tmp"
        fi
        n=$(grep -ciE 'sweep failed|policy check failed|housekeeping failed|outbox sweep failed|ACD failed' "$l" || true)
        if [[ $n -gt 0 ]]; then echo "center db=$db background_job_failures=$n log=$l"; FAILED+=("$label: $n background job failures"); fi
    done
}

for db in $DBS; do
    case $db in
        sqlite)
            section "[sqlite] one kefu serve on :$CENTER_PORT"
            url="sqlite://$tmp/center.sqlite"
            prepare
            start_kefu "$CENTER_PORT" sqlite-p1 serve
            run_bench sqlite sqlite --base "http://127.0.0.1:$CENTER_PORT"
            stop_servers
            ;;
        postgres)
            section "[postgres] durable PostgreSQL on :$CENTER_PG_PORT, kefu serve on :$CENTER_PORT and :$CENTER_PORT2"
            start_pg "$CENTER_PG_PORT" kefu_center
            prepare
            start_kefu "$CENTER_PORT" postgres-p1 serve
            start_kefu "$CENTER_PORT2" postgres-p2 serve
            run_bench postgres postgres-2proc --base "http://127.0.0.1:$CENTER_PORT" --base "http://127.0.0.1:$CENTER_PORT2"
            stop_servers
            stop_pg
            ;;
    esac
done

mv "$md.tmp" "$md"
section "Report"
echo "wrote $md"
if (( ${#FAILED[@]} )); then
    echo "failures: ${FAILED[*]}" >&2
    exit 1
fi
