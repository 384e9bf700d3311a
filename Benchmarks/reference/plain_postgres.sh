#!/usr/bin/env bash
# Plain-PostgreSQL reference for the work-order create benchmark (issue 12): the rows of
# one `POST /api/v1/work-orders`, one transaction per order, written by pgbench
# (create_order.pgbench beside this file) with no Kefu in between.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:55441/kefu_bench \
#     bash Benchmarks/reference/plain_postgres.sh [SECONDS] [CLIENTS]
#
# The database must be migrated by `kefu migrate --yes` (company HQ / branch MAIN); this
# script adds one customer of its own. Use a durable server (scripts/pg-start without
# PG_START_FAST) for figures. Prints
#   reference db=postgres clients=C seconds=S rate=R rows=N fsync=on synchronous_commit=on
# where rate is pgbench's tps (committed orders per second), rows the orders written and
# the last two the server's durability settings (figures need both on).
set -euo pipefail

die() { echo "plain_postgres: $*" >&2; exit 1; }

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
SECONDS_RUN=${1:-${REF_SECONDS:-10}}
CLIENTS=${2:-${REF_CLIENTS:-16}}
THREADS=${REF_THREADS:-2}
TIME_ZONE=${REF_TIME_ZONE:-Asia/Shanghai}
URL=${DATABASE_URL:-}
[[ $URL == postgres://* || $URL == postgresql://* ]] || die "DATABASE_URL must be a postgres:// URL (got '${URL}')"
for tool in psql pgbench; do command -v "$tool" >/dev/null 2>&1 || die "$tool not found (apt-get install -y postgresql)"; done

q() { psql "$URL" -v ON_ERROR_STOP=1 -qAtX "$@"; }

placement=$(q -c "SELECT c.id || ' ' || b.id FROM companies c JOIN branches b ON b.company_id = c.id
                  WHERE c.code = 'HQ' AND b.code = 'MAIN'") || die "cannot read companies/branches (is the database migrated?)"
[[ -n $placement ]] || die "no company HQ / branch MAIN: run \`kefu migrate --yes\` on this database first"
read -r company branch <<<"$placement"
customer=$(q -c "INSERT INTO customers (id, name, phone, tier, created_at, updated_at, company_id, branch_id)
                 VALUES (gen_random_uuid(), '参考客户', '13700137000', 'normal', now(), now(), '$company', '$branch')
                 RETURNING id" | head -1)
[[ -n $customer ]] || die "could not insert the reference customer"

before=$(q -c "SELECT count(*) FROM work_orders")
out=$(mktemp)
trap 'rm -f "$out"' EXIT
rc=0
pgbench -n -M prepared -f "$HERE/create_order.pgbench" -c "$CLIENTS" -j "$THREADS" -T "$SECONDS_RUN" \
    -D company="$company" -D branch="$branch" -D customer="$customer" \
    -D counter_key="work_order:$(TZ=$TIME_ZONE date +%F)" -D day_compact="$(TZ=$TIME_ZONE date +%Y%m%d)" \
    -D created_changes='{"ownerWorkId":{"to":"7001"},"status":{"to":"open"}}' \
    -D created_before='{"ownerWorkId":null,"status":null}' \
    -D created_after='{"ownerWorkId":"7001","status":"open"}' \
    -D dup_before='{"duplicateOf":null}' \
    "$URL" >"$out" 2>&1 || rc=$?
if (( rc != 0 )) || grep -qiE 'error|aborted' "$out"; then
    cat "$out" >&2
    die "pgbench failed (exit $rc)"
fi
after=$(q -c "SELECT count(*) FROM work_orders")
tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$out" | tail -1)
[[ -n $tps ]] || { cat "$out" >&2; die "no 'tps = ' line in pgbench's output"; }
dur=$(sed -n 's/^duration: \([0-9.]*\) s.*/\1/p' "$out" | head -1)
durability=$(q -c "SELECT 'fsync=' || current_setting('fsync') || ' synchronous_commit=' || current_setting('synchronous_commit')")
echo "reference db=postgres clients=$CLIENTS seconds=${dur:-$SECONDS_RUN} rate=$tps rows=$(( after - before )) $durability"
