#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Helper for bench/scale.sh: time the query set against one archive, print the table, write JSON.

  scale_report.py queries FILE                 validate a query file; print the number of queries
  scale_report.py run --queries FILE --cairn BIN --archive DIR --user U --runs R
                      --facts FACTS.tsv --raw OUT.tsv [--json OUT.json]

The query file has one query per line, either "name<TAB>cairn query" (bench/scale_queries.txt) or the
4-column "name<TAB>cairn<TAB>notmuch<TAB>mu" of bench/search_queries.tsv (only the cairn column is used).
Lines starting with '#' and blank lines are ignored.

Each query command runs with `--timing`, so Cairn reports the search's own time (in-process: the index
query and the hits' details, without process start-up, unlocking and the index check); the targets are
judged on that.  Every command is also timed as a whole process (fork/exec to exit) with
time.perf_counter().  Each query runs once untimed first (warm-up), then R rounds; a round runs, for
every query, `search --count` and `search --limit 50 --json`, plus the baseline commands
(a no-match search, `stats --json`, `--version`).
FACTS.tsv (written by scale.sh) has "key<TAB>value" lines with the generation and import figures.
"""
import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time

LIMIT = 50
TARGET_MEDIAN_MS = 20.0
TARGET_P99_MS = 100.0


def read_queries(path):
    queries, names = [], set()
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cells = [c.strip() for c in line.split("\t")]
            if len(cells) not in (2, 4) or not cells[0] or not cells[1] or cells[1] == "-":
                raise SystemExit(f"{path}:{number}: expected 'name<TAB>query' (or the 4-column search_queries.tsv form)")
            if cells[0] in names:
                raise SystemExit(f"{path}:{number}: repeated name '{cells[0]}'")
            names.add(cells[0])
            queries.append({"name": cells[0], "query": cells[1]})
    if not queries:
        raise SystemExit(f"{path}: no queries")
    return queries


def percentile(values, p):
    """Nearest-rank percentile (with 20 runs, the 99th percentile is the slowest run)."""
    s = sorted(values)
    k = max(1, math.ceil(p / 100.0 * len(s)))
    return s[k - 1]


def timed(argv):
    t = time.perf_counter()
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    dt = (time.perf_counter() - t) * 1000.0
    if r.returncode != 0:
        raise SystemExit(f"scale_report: command failed ({r.returncode}): {' '.join(argv)}\n"
                         f"{r.stderr.decode(errors='replace')}")
    return dt, r.stdout, r.stderr


def search_ms(stderr):
    """The in-process time `cairn search --timing` printed."""
    found = re.search(rb"search time: ([0-9.]+) ms", stderr)
    if not found:
        raise SystemExit("scale_report: no 'search time' on stderr; is this a cairn with search --timing?")
    return float(found.group(1))


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def read_facts(path):
    facts = {}
    if path and os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if "\t" in line:
                    k, v = line.rstrip("\n").split("\t", 1)
                    facts[k] = v
    return facts


def fnum(facts, key, kind=float):
    try:
        return kind(facts[key])
    except (KeyError, ValueError):
        return None


def run(a):
    queries = read_queries(a.queries)
    base = [a.cairn, "--archive", a.archive]
    search = base + ["search", "--user", a.user]
    commands = {}
    for q in queries:
        commands[(q["name"], "count")] = search + ["--timing", "--count", "--json", q["query"]]
        commands[(q["name"], "limit")] = search + ["--timing", "--limit", str(LIMIT), "--json", q["query"]]
    baselines = {
        "nomatch": search + ["--count", "--json", a.nomatch],
        "stats": base + ["stats", "--json"],
        "version": [a.cairn, "--version"],
    }

    load_before = loadavg()
    # Warm-up: every command once, and keep the count and the number of hits returned.
    # A command whose warm-up run takes longer than --slow-ms is timed in only --slow-runs rounds
    # (and flagged), so that one pathological query cannot take the whole time budget.
    counts, returned, warm_ms, slow = {}, {}, {}, set()
    for q in queries:
        for mode in ("count", "limit"):
            dt, out, _ = timed(commands[(q["name"], mode)])
            warm_ms[(q["name"], mode)] = dt
            if dt > a.slow_ms:
                slow.add((q["name"], mode))
                print(f"scale_report: slow: {q['name']} --{mode} took {dt:.0f} ms in warm-up; "
                      f"timed in {min(a.slow_runs, a.runs)} rounds only", file=sys.stderr)
            if mode == "count":
                counts[q["name"]] = json.loads(out)["count"]
            else:
                returned[q["name"]] = len(json.loads(out)["hits"])
    if json.loads(timed(baselines["nomatch"])[1])["count"] != 0:
        raise SystemExit(f"scale_report: the baseline word '{a.nomatch}' matches messages; pick another (--nomatch)")
    for argv in baselines.values():
        timed(argv)

    times = {key: [] for key in commands}
    inproc = {key: [] for key in commands}
    base_times = {key: [] for key in baselines}
    t_start = time.monotonic()
    with open(a.raw, "w", encoding="utf-8") as raw:
        raw.write("round\tname\tmode\tms\tsearch_ms\n")
        for r in range(1, a.runs + 1):
            for key, argv in baselines.items():
                dt, _, _ = timed(argv)
                base_times[key].append(dt)
                raw.write(f"{r}\t-\t{key}\t{dt:.3f}\t\n")
            for q in queries:
                for mode in ("count", "limit"):
                    if (q["name"], mode) in slow and r > a.slow_runs:
                        continue
                    dt, _, err = timed(commands[(q["name"], mode)])
                    times[(q["name"], mode)].append(dt)
                    inproc[(q["name"], mode)].append(search_ms(err))
                    raw.write(f"{r}\t{q['name']}\t{mode}\t{dt:.3f}\t{inproc[(q['name'], mode)][-1]:.3f}\n")
            if sys.stderr.isatty() or r % 5 == 0 or r == a.runs:
                print(f"scale_report: round {r}/{a.runs} done, load {loadavg()}", file=sys.stderr)
    query_seconds = time.monotonic() - t_start
    load_after = loadavg()

    baseline = {k: {"median_ms": statistics.median(v), "p99_ms": percentile(v, 99), "runs_ms": v}
                for k, v in base_times.items()}
    b = baseline["nomatch"]["median_ms"]
    facts = read_facts(a.facts)

    rows = []
    for q in queries:
        row = {"name": q["name"], "query": q["query"], "hits": counts[q["name"]], "returned": returned[q["name"]]}
        for mode in ("count", "limit"):
            v = times[(q["name"], mode)]
            s_ = inproc[(q["name"], mode)]
            med, p99 = statistics.median(v), percentile(v, 99)
            row[mode] = {"median_ms": med, "p99_ms": p99, "min_ms": min(v), "max_ms": max(v), "runs_ms": v,
                         "search_median_ms": statistics.median(s_), "search_p99_ms": percentile(s_, 99),
                         "search_runs_ms": s_,
                         "warmup_ms": warm_ms[(q["name"], mode)], "capped": (q["name"], mode) in slow}
        worst_med = max(row["count"]["search_median_ms"], row["limit"]["search_median_ms"])
        worst_p99 = max(row["count"]["search_p99_ms"], row["limit"]["search_p99_ms"])
        row["pass_median"] = worst_med < TARGET_MEDIAN_MS
        row["pass_p99"] = worst_p99 < TARGET_P99_MS
        rows.append(row)

    overall = {}
    for mode in ("count", "limit", "all"):
        keys = [k for k in commands if mode == "all" or k[1] == mode]
        pooled = [t for k in keys for t in times[k]]
        pooled_search = [t for k in keys for t in inproc[k]]
        overall[mode] = {"median_ms": statistics.median(pooled), "p99_ms": percentile(pooled, 99),
                         "search_median_ms": statistics.median(pooled_search),
                         "search_p99_ms": percentile(pooled_search, 99)}

    # ---- print ----
    out = []
    p = out.append
    n = fnum(facts, "messages", int)
    p(f"# Cairn scale benchmark: {n:,} generated messages" if n else "# Cairn scale benchmark")
    p("")
    for k in ("cairn", "cairn_sha256", "cairn_version", "host", "cpus", "date"):
        if k in facts:
            p(f"- {k}: {facts[k]}")
    p("")
    p("## Generation and import")
    p("")
    p("| figure | value |")
    p("|---|---|")
    def fact_row(label, key, fmt):
        v = fnum(facts, key)
        if v is not None:
            p(f"| {label} | {fmt.format(v)} |")
    fact_row("generated messages", "messages", "{:,.0f}")
    fact_row("generated raw MB (mbox files, 10^6 B)", "gen_bytes_mb", "{:,.1f}")
    fact_row("generation s", "gen_seconds", "{:,.1f}")
    fact_row("generation messages/s", "gen_rate", "{:,.0f}")
    fact_row("import s (wall clock, includes key derivation and final commit)", "import_seconds", "{:,.1f}")
    fact_row("import messages/s", "import_rate", "{:,.0f}")
    fact_row("import MB/s (raw)", "import_mbps", "{:,.1f}")
    fact_row("import peak RSS MB (/usr/bin/time %M)", "import_rss_mb", "{:,.0f}")
    fact_row("messages stored (import --json)", "messages_stored", "{:,.0f}")
    fact_row("archive packs MB", "packs_mb", "{:,.1f}")
    fact_row("archive catalog MB", "catalog_mb", "{:,.1f}")
    fact_row("archive index MB", "index_mb", "{:,.1f}")
    fact_row("archive total MB", "total_mb", "{:,.1f}")
    fact_row("archive total / raw %", "total_pct", "{:,.1f}")
    for k in ("load_gen", "load_import"):
        if k in facts:
            p(f"| load average during {k[5:]} (1/5/15 min, at its end) | {facts[k]} |")
    p("")
    p(f"## Queries: {len(queries)} queries x {a.runs} runs x (--count, --limit {LIMIT}), warm cache, key cache on")
    p("")
    p(f"Whole-process wall clock in ms (fork/exec to exit). The 99th percentile is nearest-rank, so with "
      f"{a.runs} runs (< 100) it is the slowest run." if a.runs < 100 else
      "Whole-process wall clock in ms (fork/exec to exit); 99th percentile nearest-rank.")
    p(f"Process baseline: `cairn search --count '{a.nomatch}'` (a word in no message: process start, key from the "
      f"keyring, archive and index opened, one empty lookup) median {b:.1f} ms (p99 "
      f"{baseline['nomatch']['p99_ms']:.1f}); for reference `cairn --version` (`cairn` starts and hands the option to "
      f"cairn-full, which has every command: both programs' start) median "
      f"{baseline['version']['median_ms']:.1f} ms and `cairn stats --json` median "
      f"{baseline['stats']['median_ms']:.1f} ms (not used as the baseline: it aggregates the whole catalog, "
      f"so it grows with the archive).")
    p(f"**search** = the in-process time `cairn search --timing` reports (the index query and the hits' details, "
      f"without process start-up, unlocking and the index check). The targets (median < {TARGET_MEDIAN_MS:.0f} ms, "
      f"p99 < {TARGET_P99_MS:.0f} ms) are judged on it, per query on the worse of the two modes, and pooled.")
    if slow:
        p(f"Marked `*`: warm-up took more than {a.slow_ms:.0f} ms, so timed in {min(a.slow_runs, a.runs)} rounds "
          f"only (p99 = slowest of those).")
    p(f"Load average before/after the query runs: {load_before} / {load_after}; the query phase took {query_seconds:.0f} s.")
    p("")
    p("| query | hits | search count med | p99 | search limit med | p99 | process count med | process limit med | median<20 | p99<100 |")
    p("|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for row in rows:
        c, l = row["count"], row["limit"]
        q = row["query"].replace("|", "\\|")
        cs = "*" if c["capped"] else ""
        ls = "*" if l["capped"] else ""
        p(f"| `{q}` | {row['hits']:,} | {c['search_median_ms']:.1f}{cs} | {c['search_p99_ms']:.1f}{cs} | "
          f"{l['search_median_ms']:.1f}{ls} | {l['search_p99_ms']:.1f}{ls} | {c['median_ms']:.1f} | {l['median_ms']:.1f} | "
          f"{'PASS' if row['pass_median'] else 'FAIL'} | {'PASS' if row['pass_p99'] else 'FAIL'} |")
    for mode in ("count", "limit", "all"):
        o = overall[mode]
        p(f"| **overall {mode}** (pooled runs) | | search med {o['search_median_ms']:.1f} | p99 {o['search_p99_ms']:.1f} | "
          f"| | process med {o['median_ms']:.1f} | p99 {o['p99_ms']:.1f} | | |")
    p("")
    npass_m = sum(r["pass_median"] for r in rows)
    npass_p = sum(r["pass_p99"] for r in rows)
    pooled_pass = (overall["all"]["search_median_ms"] < TARGET_MEDIAN_MS and
                   overall["all"]["search_p99_ms"] < TARGET_P99_MS)
    p(f"Targets (in-process search time): pooled over every query and run, median "
      f"{overall['all']['search_median_ms']:.1f} ms (< {TARGET_MEDIAN_MS:.0f}) and p99 "
      f"{overall['all']['search_p99_ms']:.1f} ms (< {TARGET_P99_MS:.0f}): {'PASS' if pooled_pass else 'FAIL'}. "
      f"Per query, on the worse mode: median < {TARGET_MEDIAN_MS:.0f} ms for {npass_m}/{len(rows)}, "
      f"p99 < {TARGET_P99_MS:.0f} ms for {npass_p}/{len(rows)}.")
    p("")
    slow = sorted(rows, key=lambda r: -max(r["count"]["search_median_ms"], r["limit"]["search_median_ms"]))[:8]
    p("Slowest queries (by the worse in-process median of the two modes):")
    p("")
    for r in slow:
        worse = "limit" if r["limit"]["search_median_ms"] >= r["count"]["search_median_ms"] else "count"
        p(f"- `{r['query']}` ({r['name']}): {r[worse]['search_median_ms']:.1f} ms median, "
          f"{r[worse]['search_p99_ms']:.1f} ms p99 with --{worse}, {r['hits']:,} hits")
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)

    if a.json:
        doc = {"benchmark": "cairn-scale", "facts": facts, "runs": a.runs, "limit": LIMIT,
               "targets_ms": {"median": TARGET_MEDIAN_MS, "p99": TARGET_P99_MS},
               "timing_note": "search_* = in-process ms from `cairn search --timing`; *_ms without it = whole process",
               "load_before": load_before, "load_after": load_after, "query_seconds": query_seconds,
               "baseline": baseline, "queries": rows, "overall": overall,
               "pass": pooled_pass, "queries_passing_median": npass_m, "queries_passing_p99": npass_p}
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=1, ensure_ascii=False)
            f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    q = sub.add_parser("queries")
    q.add_argument("file")
    r = sub.add_parser("run")
    r.add_argument("--queries", required=True)
    r.add_argument("--cairn", required=True)
    r.add_argument("--archive", required=True)
    r.add_argument("--user", required=True)
    r.add_argument("--runs", type=int, required=True)
    r.add_argument("--facts")
    r.add_argument("--raw", required=True)
    r.add_argument("--json")
    r.add_argument("--nomatch", default="qqzzxxnomatchword", help="a word in no message, for the baseline")
    r.add_argument("--slow-ms", type=float, default=3000.0)
    r.add_argument("--slow-runs", type=int, default=3)
    a = ap.parse_args()
    if a.cmd == "queries":
        print(len(read_queries(a.file)))
    else:
        run(a)


if __name__ == "__main__":
    main()
