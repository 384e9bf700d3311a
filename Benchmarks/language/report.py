#!/usr/bin/env python3
"""Turn results.jsonl (one JSON line per engine run) into the Markdown table + goal check.

  report.py RESULTS.jsonl [META.json]

Ratio column: Kefu MB/s ÷ peer MB/s, Kefu taken in the same mode as the peer (hyperscan only
reports overlapping matches, so it is compared with Kefu's overlapping run).
"""
import json
import sys

ORDER = ["kefu", "ahocorasick-rs", "daachorse", "hyperscan", "pyahocorasick"]
LEX_ORDER = ["default", "1k", "10k", "50k"]


def main():
    rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip().startswith("{")]
    meta = json.load(open(sys.argv[2])) if len(sys.argv) > 2 else None
    kefu = {(r["lexicon"], r["mode"]): r for r in rows if r["engine"] == "kefu"}

    def key(r):
        lx = LEX_ORDER.index(r["lexicon"]) if r["lexicon"] in LEX_ORDER else 99
        en = ORDER.index(r["engine"]) if r["engine"] in ORDER else 99
        return (lx, en, r["mode"] != "leftmost-longest")

    out = []
    if meta:
        out.append("Corpus: %.1f MB, %d lines (%.0f%% traditional), seed %d, sha256 %s…" % (
            meta["bytes"] / 1e6, meta["lines"], 100 * meta["traditionalShare"], meta["seed"], meta["sha256"][:12]))
        out.append("")
    out.append("| lexicon | engine | mode | patterns | MB/s | matches | build s | peak RSS MB | Kefu ÷ peer |")
    out.append("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for r in sorted(rows, key=key):
        ratio = ""
        if r["engine"] != "kefu":
            k = kefu.get((r["lexicon"], r["mode"]))
            if k:
                ratio = "%.2f×" % (k["mbPerSecond"] / r["mbPerSecond"])
        out.append("| %s | %s | %s | %d | %.1f | %d | %.3f | %.0f | %s |" % (
            r["lexicon"], r["engine"] + (" (folding)" if r["engine"] == "kefu" else ""), r["mode"],
            r["patterns"], r["mbPerSecond"], r["matches"], r["buildSeconds"], r["peakRSSKB"] / 1024, ratio))

    out.append("")
    # Goal 1: Kefu (folding, leftmost-longest) at 10k >= the fastest peer at 10k (any mode).
    k10 = kefu.get(("10k", "leftmost-longest"))
    peers10 = [r for r in rows if r["lexicon"] == "10k" and r["engine"] != "kefu"]
    if k10 and peers10:
        fastest = max(peers10, key=lambda r: r["mbPerSecond"])
        ok = k10["mbPerSecond"] >= fastest["mbPerSecond"]
        out.append("Goal 1 (10k: Kefu ≥ fastest peer): %s — Kefu %.1f MB/s vs %s (%s) %.1f MB/s = %.2f×" % (
            "REACHED" if ok else "NOT reached", k10["mbPerSecond"], fastest["engine"], fastest["mode"],
            fastest["mbPerSecond"], k10["mbPerSecond"] / fastest["mbPerSecond"]))
    if meta:
        dl = [r for r in rows if r["lexicon"] == "default" and r["mode"] == "leftmost-longest"]
        if dl:
            out.append("Default lexicon: %d phrases injected (%d of them in traditional form); leftmost-longest "
                       "matches found: %s" % (meta["injected"], meta["injectedTraditional"],
                                              ", ".join("%s %d" % (r["engine"], r["matches"]) for r in sorted(dl, key=key))))
    kd = kefu.get(("default", "leftmost-longest"))
    if kd:
        ok = kd["mbPerSecond"] >= 1000
        out.append("Goal 2 (default lexicon ≥ 1 GB/s on one core): %s — %.1f MB/s = %.0f%% of 1000 MB/s" % (
            "REACHED" if ok else "NOT reached", kd["mbPerSecond"], kd["mbPerSecond"] / 10))
    print("\n".join(out))


if __name__ == "__main__":
    main()
