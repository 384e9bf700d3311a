#!/usr/bin/env bash
# Shift-scheduling benchmark: Kefu's ShiftScheduler vs pyworkforce (OR-Tools CP-SAT),
# then the end-to-end month (forecast + staffing + roster, `KefuWorkforceBench pipeline`).
# See README.md beside this file.
#
#   bash Benchmarks/workforce/run.sh
#
# Environment knobs (defaults in brackets):
#   WF_BENCH_OUT      where instances and raw results go        [Benchmarks/results/workforce]
# The table goes to Benchmarks/workforce/results.md.
#   WF_BENCH_SEED     instance generator seed                   [20240605]
#   WF_BENCH_REPEAT   timed runs per tool and case (best kept)  [3]
#   PYWORKFORCE_PY    python with pyworkforce importable        [Benchmarks/workforce/.venv/bin/python,
#                     created with `pip install pyworkforce` when missing]
#   WF_PIPELINE_REPEAT  timed runs of each pipeline stage (best kept) [5]
#   SKIP_BUILD=1      use the existing .build-bench release binary
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "$HERE/../.." && pwd -P)"
cd "$ROOT"

OUT=${WF_BENCH_OUT:-"$ROOT/Benchmarks/results/workforce"}
SEED=${WF_BENCH_SEED:-20240605}
REPEAT=${WF_BENCH_REPEAT:-3}
BIN="$ROOT/.build-bench/release/KefuWorkforceBench"
die() { echo "WORKFORCE BENCHMARK FAILURE: $*" >&2; exit 1; }
mkdir -p "$OUT"

# pyworkforce (and its OR-Tools) in a venv of its own unless one is given.
PY=${PYWORKFORCE_PY:-"$HERE/.venv/bin/python"}
if ! "$PY" -c 'import pyworkforce' 2>/dev/null; then
    [ -n "${PYWORKFORCE_PY:-}" ] && die "$PY cannot import pyworkforce"
    python3 -m venv "$HERE/.venv" || die "cannot create $HERE/.venv (apt-get install python3-venv?)"
    "$PY" -m pip install -q pyworkforce || die "pip install pyworkforce failed"
fi

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    # Own build path, so a running `swift build` of the main tree is not locked.
    swift build -c release --product KefuWorkforceBench --build-path .build-bench >&2 || die "swift build failed"
fi
[ -x "$BIN" ] || die "missing $BIN"

python3 "$HERE/gen_instances.py" "$OUT" "$SEED" >&2

# best-of-N seconds; the objective and status of the last run
run_best() {
    local best="" line=""
    for _ in $(seq "$REPEAT"); do
        line=$("$@") || die "failed: $*"
        best=$(python3 -c 'import json,sys; l=json.loads(sys.argv[1]); b=sys.argv[2]; print(min(l["seconds"], float(b)) if b else l["seconds"])' "$line" "$best")
    done
    python3 -c 'import json,sys; l=json.loads(sys.argv[1]); l["seconds"]=float(sys.argv[2]); print(json.dumps(l))' "$line" "$best"
}

RESULTS="$OUT/results.jsonl"
: > "$RESULTS"
# Generous caps (what the CLI's "no cap" means to pyworkforce, which needs both), then the large
# instance again with binding ones: a fifth of the peak per shift, the peak per period.
for case in small medium large large:tight; do
    inst=${case%%:*}
    file="$OUT/$inst.json"
    peak=$(python3 -c 'import json,sys; print(max(max(r) for r in json.load(open(sys.argv[1]))["required"]))' "$file")
    if [ "$case" = "$inst" ]; then max_shift=$peak; max_period=$((2 * peak)); else max_shift=$((peak / 5)); max_period=$peak; fi
    for objective in min-resources min-abs-difference; do
        echo "== $case $objective (caps $max_shift/$max_period)" >&2
        kefu=$(run_best "$BIN" schedule "$file" "$objective" "$max_shift" "$max_period")
        pwf=$(run_best "$PY" "$HERE/pyworkforce_solve.py" "$file" "$objective" "$max_shift" "$max_period")
        echo "   kefu $kefu" >&2
        echo "   pyworkforce $pwf" >&2
        python3 -c 'import json,sys; print(json.dumps({"instance": sys.argv[1], "objective": sys.argv[2], "caps": sys.argv[3], "kefu": json.loads(sys.argv[4]), "pyworkforce": json.loads(sys.argv[5])}))' \
            "$case" "$objective" "$max_shift/$max_period" "$kefu" "$pwf" >> "$RESULTS"
    done
done

python3 - "$RESULTS" "$HERE/results.md" "$REPEAT" <<'PY'
import json, platform, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
out = ["# Shift scheduling: Kefu vs pyworkforce", "",
       f"Best of {sys.argv[3]} runs, solve time only (after JSON decoding), seconds. "
       f"pyworkforce: CP-SAT, 2 workers, 300 s limit. Machine: {platform.machine()}, {platform.system()}.", "",
       "| instance | objective | caps (shift/period) | Kefu status | Kefu objective | pyworkforce status | pyworkforce objective | same | Kefu s | pyworkforce s | Kefu/pyworkforce |",
       "|---|---|---|---|---|---|---|---|---|---|---|"]
ok = True
for r in rows:
    k, p = r["kefu"], r["pyworkforce"]
    same = k["objective"] == p["objective"]
    ok &= same
    ratio = k["seconds"] / p["seconds"] if p["seconds"] else float("nan")
    out.append(f"| {r['instance']} | {r['objective']} | {r['caps']} | {k['status']} | {k['objective']} | {p['status']} | "
               f"{p['objective']} | {'yes' if same else 'NO'} | {k['seconds']:.4f} | {p['seconds']:.4f} | {ratio:.3f} |")
out += ["", "All objectives equal." if ok else "OBJECTIVES DIFFER (see table)."]
open(sys.argv[2], "w").write("\n".join(out) + "\n")
print("\n".join(out))
PY

# End-to-end month: Erlang C, then Erlang A (patience 120 s); JSON lines appended to results.md.
PIPELINE="$OUT/pipeline.jsonl"
: > "$PIPELINE"
for extra in "" "--patience 120"; do
    echo "== pipeline ${extra:-(Erlang C)}" >&2
    # shellcheck disable=SC2086 # $extra is deliberately split into flag and value
    "$BIN" pipeline --repeat "${WF_PIPELINE_REPEAT:-5}" $extra >> "$PIPELINE" || die "pipeline $extra failed"
    tail -n 1 "$PIPELINE" >&2
done
{
    echo
    echo "## End-to-end month (forecast + staffing + roster)"
    echo
    echo "\`KefuWorkforceBench pipeline\` (Erlang C) and \`pipeline --patience 120\` (Erlang A): 200 agents, 2026-12,"
    echo "30-min intervals, best of ${WF_PIPELINE_REPEAT:-5} per stage, seconds under \`seconds\`."
    echo
    echo '```json'
    cat "$PIPELINE"
    echo '```'
} >> "$HERE/results.md"
