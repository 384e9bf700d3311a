#!/usr/bin/env bash
# The period reports at a year's scale (issue 16): 1,000,000 work orders bulk-loaded
# (Benchmarks/pages/gen_orders.py) and 10,000,000 switch events (Benchmarks/reports/
# gen_calls.py), a center a year into production; the rollups caught up from the database's
# own marks, then this month's and this year's order report and telephony report timed
# through the API and as the page a lead opens. Goals: month < 1 s, year < 3 s. The 400-day
# totals are checked against plain counts of the orders and of the events that decide a
# call (the rollups agree with a recount). All traffic goes to 127.0.0.1 only.
#
#   bash Benchmarks/reports/run.sh
#
# Environment knobs (defaults in brackets):
#   REPORTS_DBS        databases to run                           ["sqlite postgres"]
#   REPORTS_ORDERS     work orders to bulk-load                   [1000000]
#   REPORTS_EVENTS     CTI events to bulk-load                    [10000000]
#   REPORTS_RUNS       timed runs of each report (median kept)    [7]
#   REPORTS_MONTH_S    goal: a month's report, seconds            [1]
#   REPORTS_YEAR_S     goal: a year's report, seconds             [3]
#   REPORTS_PORT       kefu serve port                            [18160]
#   REPORTS_PG_PORT    throwaway PostgreSQL port                  [55480]
#   KEFU_BIN           the kefu binary [.build-release/release/kefu]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$(pwd -P)
HERE="$ROOT/Benchmarks/reports"
RESULTS="$HERE/results"

REPORTS_DBS=${REPORTS_DBS:-sqlite postgres}
REPORTS_ORDERS=${REPORTS_ORDERS:-1000000}
REPORTS_EVENTS=${REPORTS_EVENTS:-10000000}
REPORTS_RUNS=${REPORTS_RUNS:-7}
REPORTS_MONTH_S=${REPORTS_MONTH_S:-1}
REPORTS_YEAR_S=${REPORTS_YEAR_S:-3}
REPORTS_PORT=${REPORTS_PORT:-18160}
REPORTS_PG_PORT=${REPORTS_PG_PORT:-55480}
KEFU_BIN=${KEFU_BIN:-$ROOT/.build-release/release/kefu}
KEFU=$KEFU_BIN
BASE="http://127.0.0.1:$REPORTS_PORT"
export TZ=Asia/Shanghai
BENCH_SCRIPT=Benchmarks/reports/run.sh
BENCH_TITLE=REPORTS
BENCH_LOG_LEVEL=warning
# shellcheck source=../lib/servers.sh
source "$ROOT/Benchmarks/lib/servers.sh"
BENCH_LOG_DIR=$tmp

[[ -x $KEFU_BIN ]] || die "no kefu binary at $KEFU_BIN (build it, or set KEFU_BIN)"
for tool in curl python3; do command -v "$tool" >/dev/null || die "$tool is not installed"; done

# Median of REPORTS_RUNS timed GETs (seconds); every answer must be 200.
median_get() {
    local url=$1; shift
    local times=()
    for _ in $(seq 1 "$REPORTS_RUNS"); do
        out=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' "$@" "$url")
        [[ ${out%% *} == 200 ]] || die "GET $url answered ${out%% *}"
        times+=("${out#* }")
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (REPORTS_RUNS + 1) / 2 ))p"
}

today=$(date +%Y-%m-%d)
month_from=$(date +%Y-%m-01)
year_from=$(date -d "$today -364 days" +%Y-%m-%d)
all_from=$(date -d "$today -399 days" +%Y-%m-%d)
mkdir -p "$RESULTS"
md="$RESULTS/latest.md"
calls_md="$tmp/calls.md"
{
    echo "# Reports with $REPORTS_ORDERS work orders and $REPORTS_EVENTS CTI events"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, binary \`${KEFU_BIN#"$ROOT/"}\`."
    echo "Median of $REPORTS_RUNS runs. Month: $month_from … $today; year: $year_from … $today (the last 365 days)."
    echo "Goals: month < ${REPORTS_MONTH_S} s, year < ${REPORTS_YEAR_S} s."
    echo
    echo "## Order reports"
    echo
    echo "The API answers one report (groupBy=type); the page (a shift lead's /reports/orders) reads three: the period, the one before, and the daily trend."
    echo
    echo "| database | rollup catch-up after load | month API | month page | year API | year page | 400-day total = count of HQ orders | result |"
    echo "|---|---:|---:|---:|---:|---:|---|---|"
} >"$md"
{
    echo
    echo "## Telephony reports"
    echo
    echo "The API answers one report (interval=60); the page (a shift lead's /reports/calls) reads two: the period and the one before."
    echo "The catch-up folds every loaded day once (the load's hours were marked by the database)."
    echo
    echo "| database | rollup catch-up after load | month API | month page | year API | year page | 400-day offered = count of HQ answered + abandoned + voicemail events | result |"
    echo "|---|---:|---:|---:|---:|---:|---|---|"
} >"$calls_md"

status=0
for db in $REPORTS_DBS; do
    echo "==================== $db: $REPORTS_ORDERS orders ===================="
    case $db in
        sqlite)
            file="$tmp/reports.sqlite"
            url="sqlite://$file"
            db_args=(--sqlite "$file")
            count_sql() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$file" "$1"; }
            ;;
        postgres)
            command -v psql >/dev/null || die "psql is not installed"
            start_pg "$REPORTS_PG_PORT" kefu_reports
            db_args=(--pg-url "$url")
            count_sql() { psql "$url" -qAt -c "$1"; }
            ;;
        *) die "unknown database '$db'" ;;
    esac
    export DATABASE_URL="$url"
    start_kefu "$REPORTS_PORT" "demo-$db" demo
    stop_servers
    python3 "$ROOT/Benchmarks/pages/gen_orders.py" "${db_args[@]}" --orders "$REPORTS_ORDERS" --workdir "$tmp" || die "bulk load failed"
    python3 "$HERE/gen_calls.py" "${db_args[@]}" --events "$REPORTS_EVENTS" --workdir "$tmp" || die "CTI events load failed"
    LOG_LEVEL=warning "$KEFU_BIN" migrate --yes >"$tmp/migrate.log" 2>&1 || { cat "$tmp/migrate.log" >&2; die "kefu migrate failed"; }
    # The load's rows were marked by the database's triggers; the first report catches the rollups up.
    start=$(date +%s.%N)
    LOG_LEVEL=warning "$KEFU_BIN" report --kind orders --from "$today" --to "$today" --format json --out "$tmp/first.json" >/dev/null \
        || die "kefu report failed"
    catchup=$(python3 -c "print(f'{$(date +%s.%N) - $start:.0f} s')")
    echo "rollup catch-up: $catchup"
    start=$(date +%s.%N)
    LOG_LEVEL=warning "$KEFU_BIN" report --kind calls --from "$today" --to "$today" --format json --out "$tmp/first-calls.json" >/dev/null \
        || die "kefu report --kind calls failed"
    calls_catchup=$(python3 -c "print(f'{$(date +%s.%N) - $start:.0f} s')")
    echo "call rollup catch-up: $calls_catchup"

    start_kefu "$REPORTS_PORT" "serve-$db" serve
    token=$(curl -sf -X POST "$BASE/api/v1/session" -H 'Content-Type: application/json' -d '{"workId":"3001","password":"demo1234"}' \
        | python3 -c "import json,sys; print(json.load(sys.stdin)['token'])") || die "no token for 3001"
    jar="$tmp/cookies-$db"
    csrf=$(curl -s -c "$jar" -b "$jar" "$BASE/login" | python3 -c "import re,sys; print(re.search(r'name=\"_csrf\" value=\"([^\"]+)\"', sys.stdin.read()).group(1))")
    curl -s -o /dev/null -c "$jar" -b "$jar" -X POST "$BASE/login" --data-urlencode "workId=3001" --data-urlencode "password=demo1234" --data-urlencode "_csrf=$csrf"
    auth=(-H "Authorization: Bearer $token")
    month_api=$(median_get "$BASE/api/v1/reports/orders?from=$month_from&to=$today&groupBy=type" "${auth[@]}")
    month_page=$(median_get "$BASE/reports/orders?period=custom&from=$month_from&to=$today&groupBy=channel" -b "$jar")
    year_api=$(median_get "$BASE/api/v1/reports/orders?from=$year_from&to=$today&groupBy=type" "${auth[@]}")
    year_page=$(median_get "$BASE/reports/orders?period=custom&from=$year_from&to=$today&groupBy=channel" -b "$jar")
    # Every loaded order falls in the last 400 days (the longest range a report takes).
    reported=$(curl -sf "${auth[@]}" "$BASE/api/v1/reports/orders?from=$all_from&to=$today" | python3 -c "import json,sys; print(json.load(sys.stdin)['total'])")
    # The shift lead reads their own company (HQ); the demo's client company XH has orders too.
    counted=$(count_sql "SELECT COUNT(*) FROM work_orders WHERE company_id = (SELECT id FROM companies WHERE code = 'HQ')")
    calls_month_api=$(median_get "$BASE/api/v1/reports/calls?from=$month_from&to=$today&interval=60" "${auth[@]}")
    calls_month_page=$(median_get "$BASE/reports/calls?period=custom&from=$month_from&to=$today&interval=30" -b "$jar")
    calls_year_api=$(median_get "$BASE/api/v1/reports/calls?from=$year_from&to=$today&interval=60" "${auth[@]}")
    calls_year_page=$(median_get "$BASE/reports/calls?period=custom&from=$year_from&to=$today&interval=30" -b "$jar")
    calls_reported=$(curl -sf "${auth[@]}" "$BASE/api/v1/reports/calls?from=$all_from&to=$today" | python3 -c "import json,sys; print(json.load(sys.stdin)['total']['offered'])")
    # Each call's fate is one event (answered, abandoned or voicemail): the plain count of those.
    calls_counted=$(count_sql "SELECT COUNT(*) FROM cti_events WHERE type IN ('answered', 'abandoned', 'voicemail') AND company_id = (SELECT id FROM companies WHERE code = 'HQ')")
    stop_servers
    calls_agree="$calls_reported = $calls_counted"; [[ $calls_reported == "$calls_counted" ]] || { calls_agree="**$calls_reported ≠ $calls_counted**"; status=1; }
    calls_result=met
    python3 -c "import sys; sys.exit(0 if $calls_month_api < $REPORTS_MONTH_S and $calls_month_page < $REPORTS_MONTH_S and $calls_year_api < $REPORTS_YEAR_S and $calls_year_page < $REPORTS_YEAR_S else 1)" \
        || { calls_result="**not met**"; status=1; }
    echo "| $db | $calls_catchup | ${calls_month_api} s | ${calls_month_page} s | ${calls_year_api} s | ${calls_year_page} s | $calls_agree | $calls_result |" >>"$calls_md"
    echo "$db calls: month api ${calls_month_api}s page ${calls_month_page}s, year api ${calls_year_api}s page ${calls_year_page}s, offered $calls_agree, $calls_result"
    agree="$reported = $counted"; [[ $reported == "$counted" ]] || { agree="**$reported ≠ $counted**"; status=1; }
    result=met
    python3 -c "import sys; sys.exit(0 if $month_api < $REPORTS_MONTH_S and $month_page < $REPORTS_MONTH_S and $year_api < $REPORTS_YEAR_S and $year_page < $REPORTS_YEAR_S else 1)" \
        || { result="**not met**"; status=1; }
    echo "| $db | $catchup | ${month_api} s | ${month_page} s | ${year_api} s | ${year_page} s | $agree | $result |" >>"$md"
    echo "$db: month api ${month_api}s page ${month_page}s, year api ${year_api}s page ${year_page}s, total $agree, $result"
    stop_pg
done
cat "$calls_md" >>"$md"
cat "$md"
exit $status
