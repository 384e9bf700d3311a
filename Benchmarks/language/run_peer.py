#!/usr/bin/env python3
"""Run one peer matcher over the corpus and print one JSON line (same shape as KefuLangBench).

  run_peer.py --engine ahocorasick-rs|daachorse|hyperscan|pyahocorasick
              --lexicon FILE --corpus FILE [--mode leftmost-longest|overlapping] [--repeat N]

Each engine counts matches only, on the same corpus bytes, in the mode given where it has it:
  ahocorasick-rs  BytesAhoCorasick on the UTF-8 bytes, implementation left to the library (it picks
                  a contiguous NFA here, which measured faster than implementation=DFA);
                  MATCHKIND_LEFTMOST_LONGEST, or MATCHKIND_STANDARD with overlapping=True.
  daachorse       bytewise DoubleArrayAhoCorasick on the UTF-8 bytes; find() with
                  MATCH_KIND_LEFTMOST_LONGEST, or find_overlapping(). (The charwise automaton on a
                  decoded str measured slower here, 27-64 MB/s at 10k, and took 4x the memory.)
  hyperscan       literal database (hs_compile_lit_multi), block mode, on the UTF-8 bytes; it has
                  no leftmost-longest mode: it always reports every (pattern, end) pair, i.e.
                  overlapping; the count comes from a Python callback, called once per match.
  pyahocorasick   Debian's python3-ahocorasick (a "unicode" build: str only) on the decoded str;
                  iter_long() = leftmost-longest non-overlapping, or iter() = overlapping.
The timed region is the search call only (warm-up once, best of --repeat); decoding the corpus to
str is done once beforehand. MB/s is always corpus UTF-8 bytes / 10^6 / seconds.
peakRSSKB is getrusage(RUSAGE_SELF).ru_maxrss of this process (interpreter + corpus + automaton).
"""
import argparse
import json
import resource
import sys
import time


def load_lexicon(path):
    with open(path, encoding="utf-8") as f:
        return list(dict.fromkeys(l.strip() for l in f if l.strip()))


def build(engine, phrases, mode):
    """Return (effective_mode, needs_str, count_fn)."""
    if engine == "ahocorasick-rs":
        import ahocorasick_rs as ac
        pats = [p.encode() for p in phrases]
        if mode == "overlapping":
            m = ac.BytesAhoCorasick(pats, matchkind=ac.MATCHKIND_STANDARD)
            return mode, False, lambda data: len(m.find_matches_as_indexes(data, overlapping=True))
        m = ac.BytesAhoCorasick(pats, matchkind=ac.MATCHKIND_LEFTMOST_LONGEST)
        return mode, False, lambda data: len(m.find_matches_as_indexes(data))
    if engine == "daachorse":
        import daachorse
        pats = [p.encode() for p in phrases]
        if mode == "overlapping":
            m = daachorse.DoubleArrayAhoCorasick(pats, match_kind=daachorse.MATCH_KIND_STANDARD)
            return mode, False, lambda data: len(m.find_overlapping(data))
        m = daachorse.DoubleArrayAhoCorasick(pats, match_kind=daachorse.MATCH_KIND_LEFTMOST_LONGEST)
        return mode, False, lambda data: len(m.find(data))
    if engine == "hyperscan":
        import hyperscan
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        pats = [p.encode() for p in phrases]
        db.compile(expressions=pats, ids=list(range(len(pats))), elements=len(pats), flags=0, literal=True)
        scratch = hyperscan.Scratch(db)
        counter = [0]

        def on_match(id_, start, end, flags, ctx):
            counter[0] += 1
            return None

        def count(data):
            counter[0] = 0
            db.scan(data, match_event_handler=on_match, scratch=scratch)
            return counter[0]
        return "overlapping", False, count
    if engine == "pyahocorasick":
        import ahocorasick
        a = ahocorasick.Automaton()
        for i, p in enumerate(phrases):
            a.add_word(p, i)
        a.make_automaton()
        if mode == "overlapping":
            return mode, True, lambda text: sum(1 for _ in a.iter(text))
        return mode, True, lambda text: sum(1 for _ in a.iter_long(text))
    sys.exit("run_peer.py: unknown engine %r" % engine)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", required=True)
    ap.add_argument("--lexicon", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--mode", default="leftmost-longest", choices=["leftmost-longest", "overlapping"])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    phrases = load_lexicon(args.lexicon)
    with open(args.corpus, "rb") as f:
        data = f.read()
    t0 = time.perf_counter()
    mode, needs_str, count = build(args.engine, phrases, args.mode)
    build_s = time.perf_counter() - t0
    hay = data.decode("utf-8") if needs_str else data

    matches = count(hay)  # warm-up
    best = float("inf")
    for _ in range(max(1, args.repeat)):
        t = time.perf_counter()
        n = count(hay)
        best = min(best, time.perf_counter() - t)
        if n != matches:
            sys.exit("run_peer.py: %s gave %d then %d matches" % (args.engine, matches, n))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({
        "engine": args.engine, "mode": mode, "patterns": len(phrases), "bytes": len(data),
        "seconds": round(best, 6), "mbPerSecond": round(len(data) / 1e6 / best, 2),
        "matches": matches, "buildSeconds": round(build_s, 4), "peakRSSKB": rss,
    }))


if __name__ == "__main__":
    main()
