#!/usr/bin/env bash
# Server CPU per request (create and list), from /proc/<pid>/stat around a wrk run: a figure
# that other work on the machine disturbs far less than req/s. Used to measure each step of
# issue 12. Fresh SQLite file by default; DBURL=postgres://… for PostgreSQL; DUR=8s; PORT.
#   bash Benchmarks/cpu_per_request.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
K=${KEFU_BIN:-$ROOT/.build-release/release/kefu}
PORT=${PORT:-18193}
tmp=$(mktemp -d)
export DATABASE_URL=${DBURL:-sqlite://$tmp/b.sqlite}
$K migrate --yes >/dev/null 2>&1
$K user add --work-id 7001 --name 压测 --role agent --password bench1234 </dev/null >/dev/null
LOG_LEVEL=warning $K serve --port $PORT > $tmp/log 2>&1 </dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf $tmp' EXIT
for i in $(seq 1 60); do curl -fsS -o /dev/null localhost:$PORT/health 2>/dev/null && break; sleep 0.5; done
T=$(curl -s -XPOST localhost:$PORT/api/v1/session -H 'Content-Type: application/json' -d '{"workId":"7001","password":"bench1234"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["token"])')
C=$(curl -s -XPOST localhost:$PORT/api/v1/customers -H "Authorization: Bearer $T" -H 'Content-Type: application/json' -d '{"name":"压测客户","phone":"13800138000"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
export KEFU_BENCH_TOKEN=$T KEFU_BENCH_CUSTOMER_ID=$C
cd "$ROOT/Benchmarks"
ticks() { awk '{print $14+$15}' /proc/$pid/stat; }
for s in create list; do
  url=http://127.0.0.1:$PORT/api/v1/work-orders; [[ $s == list ]] && url="$url?limit=50"
  a=$(ticks); out=$(wrk -t2 -c16 -d${DUR:-6s} -s $s.lua "$url" | grep wrk_result); b=$(ticks)
  n=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$out"); rps=$(sed -n 's/.* rps=\([0-9.]*\).*/\1/p' <<<"$out")
  echo "$s rps=$rps cpu_ms_per_req=$(awk -v t=$((b-a)) -v n=$n 'BEGIN{printf "%.3f", t*10/n}')"
done
