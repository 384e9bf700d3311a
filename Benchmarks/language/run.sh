#!/usr/bin/env bash
# Phrase-matcher benchmark: Kefu's PhraseMatcher vs ahocorasick-rs, daachorse, hyperscan
# (PyPI wheels) and pyahocorasick (Debian python3-ahocorasick). See README.md beside this file.
#
#   bash Benchmarks/language/run.sh
#
# Environment knobs (defaults in brackets):
#   LANG_BENCH_MB        corpus size in MB                          [50]
#   LANG_BENCH_SEED      generator seed                             [20240601]
#   LANG_BENCH_REPEAT    timed passes per engine (best is kept)     [3]
#   LANG_BENCH_LEXICONS  lexicons to run                            ["default 1k 10k 50k"]
#   LANG_BENCH_ENGINES   engines to run                             ["kefu ahocorasick-rs daachorse hyperscan pyahocorasick"]
#   LANG_BENCH_OUT       where data and results go                  [Benchmarks/results/language]
#   SKIP_BUILD=1         use the existing .build-release binary
#   KEFU_LANG_BENCH_BIN  use this KefuLangBench binary (implies SKIP_BUILD=1)
#   SKIP_INSTALL=1       don't install anything (peers must already be importable)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "$HERE/../.." && pwd -P)"
cd "$ROOT"

MB=${LANG_BENCH_MB:-50}
SEED=${LANG_BENCH_SEED:-20240601}
REPEAT=${LANG_BENCH_REPEAT:-3}
LEXICONS=${LANG_BENCH_LEXICONS:-"default 1k 10k 50k"}
ENGINES=${LANG_BENCH_ENGINES:-"kefu ahocorasick-rs daachorse hyperscan pyahocorasick"}
OUT=${LANG_BENCH_OUT:-"$ROOT/Benchmarks/results/language"}
VENV="$HERE/.venv"
BIN="$ROOT/.build-release/release/KefuLangBench"
if [ -n "${KEFU_LANG_BENCH_BIN:-}" ]; then BIN=$KEFU_LANG_BENCH_BIN; SKIP_BUILD=1; fi

section() { printf '\n== %s ==\n' "$*" >&2; }
die() { echo "LANG BENCHMARK FAILURE: $*" >&2; exit 1; }
mkdir -p "$OUT"
started=$(date +%s)

# ---------------------------------------------------------------------------------------------
section "1/5 peers (venv $VENV)"
# The venv is made from Debian's /usr/bin/python3 with --system-site-packages, so Debian's
# python3-ahocorasick (installed with apt) is importable next to the PyPI wheels.
PY_BASE=/usr/bin/python3
[ -x "$PY_BASE" ] || PY_BASE=$(command -v python3)
if [ ! -x "$VENV/bin/python" ]; then
    "$PY_BASE" -m venv --system-site-packages "$VENV" || die "cannot create $VENV (apt-get install python3-venv?)"
fi
PY="$VENV/bin/python"
PYAHO_SOURCE="Debian python3-ahocorasick"
if [ "${SKIP_INSTALL:-0}" != 1 ]; then
    if ! "$PY" -c 'import ahocorasick' 2>/dev/null; then
        if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ] && \
           { apt-get install -y -q python3-ahocorasick >/dev/null 2>&1 || \
             { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q python3-ahocorasick >/dev/null 2>&1; }; } && \
           "$PY" -c 'import ahocorasick' 2>/dev/null; then
            :
        else
            echo "python3-ahocorasick not available from apt: falling back to PyPI pyahocorasick (same library)" >&2
            "$PY" -m pip install -q pyahocorasick || die "pip install pyahocorasick failed"
        fi
    fi
    need=()
    "$PY" -c 'import ahocorasick_rs' 2>/dev/null || need+=(ahocorasick-rs)
    "$PY" -c 'import daachorse' 2>/dev/null || need+=(daachorse)
    "$PY" -c 'import hyperscan' 2>/dev/null || need+=(hyperscan)
    "$PY" -c 'import opencc' 2>/dev/null || need+=(opencc)
    if [ ${#need[@]} -gt 0 ]; then
        "$PY" -m pip install -q "${need[@]}" || die "pip install ${need[*]} failed"
    fi
fi
"$PY" -c 'import ahocorasick; import os; print("pyahocorasick from", os.path.dirname(ahocorasick.__file__))' >&2
case "$("$PY" -c 'import ahocorasick; print(ahocorasick.__file__)')" in
    /usr/lib/python3/dist-packages/*) PYAHO_SOURCE="Debian python3-ahocorasick" ;;
    *) PYAHO_SOURCE="PyPI pyahocorasick (fallback)" ;;
esac
"$PY" - <<'EOF' >"$OUT/versions.txt"
import importlib.metadata as md, platform
print("python", platform.python_version())
for d in ("ahocorasick-rs", "daachorse", "hyperscan", "pyahocorasick", "opencc"):
    try: print(d, md.version(d))
    except Exception: print(d, "?")
EOF
dpkg-query -W python3-ahocorasick 2>/dev/null >>"$OUT/versions.txt" || true
echo "pyahocorasick source: $PYAHO_SOURCE" >>"$OUT/versions.txt"
cat "$OUT/versions.txt" >&2

# ---------------------------------------------------------------------------------------------
section "2/5 build KefuLangBench (release)"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    swift build -c release --product KefuLangBench --build-path .build-release 2>&1 | tail -3 >&2 \
        || die "swift build failed"
fi
[ -x "$BIN" ] || die "no binary at $BIN"

# ---------------------------------------------------------------------------------------------
section "3/5 corpus ${MB} MB + lexicons (seed $SEED)"
"$BIN" --dump-default-lexicon >"$OUT/kefu_default_lexicon.txt" || die "--dump-default-lexicon failed"
stamp="seed=$SEED mb=$MB gen=$(sha256sum "$HERE/gen_corpus.py" | cut -c1-16) lex=$(sha256sum "$OUT/kefu_default_lexicon.txt" | cut -c1-16)"
if [ -f "$OUT/corpus.txt" ] && [ -f "$OUT/meta.json" ] && [ "$(cat "$OUT/stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "reusing $OUT/corpus.txt ($stamp)" >&2
else
    "$PY" "$HERE/gen_corpus.py" --out "$OUT" --mb "$MB" --seed "$SEED" \
        --default-lexicon "$OUT/kefu_default_lexicon.txt" >&2 || die "gen_corpus.py failed"
    echo "$stamp" >"$OUT/stamp"
fi

# ---------------------------------------------------------------------------------------------
section "4/5 runs (repeat $REPEAT, one process per engine)"
RESULTS="$OUT/results.jsonl"
: >"$RESULTS"
run() { # lexicon-label command...
    local label=$1; shift
    local line
    line=$("$@") || die "failed: $*"
    line=$(printf '%s\n' "$line" | tail -1)
    "$PY" -c 'import json,sys; r=json.loads(sys.argv[1]); r["lexicon"]=sys.argv[2]; print(json.dumps(r))' "$line" "$label" \
        | tee -a "$RESULTS" >&2
}
for lex in $LEXICONS; do
    file="$OUT/lexicon_$lex.txt"
    [ -f "$file" ] || die "no lexicon $file"
    for engine in $ENGINES; do
        if [ "$engine" = kefu ]; then
            if [ "$lex" = default ]; then src=(--default-lexicon); else src=(--lexicon "$file"); fi
            run "$lex" "$BIN" "${src[@]}" --corpus "$OUT/corpus.txt" --mode leftmost-longest --repeat "$REPEAT"
            run "$lex" "$BIN" "${src[@]}" --corpus "$OUT/corpus.txt" --mode overlapping --repeat "$REPEAT"
        else
            run "$lex" "$PY" "$HERE/run_peer.py" --engine "$engine" --lexicon "$file" \
                --corpus "$OUT/corpus.txt" --mode leftmost-longest --repeat "$REPEAT"
        fi
    done
done

# ---------------------------------------------------------------------------------------------
section "5/5 table"
{
    echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores; one core per engine run"
    echo "pyahocorasick: $PYAHO_SOURCE"
    echo
    "$PY" "$HERE/report.py" "$RESULTS" "$OUT/meta.json"
    echo
    echo "Total wall time: $(( $(date +%s) - started )) s"
} | tee "$OUT/latest.md"
